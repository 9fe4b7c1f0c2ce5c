// Lint rules: typescript-eslint's recommended set, type-aware rules, and the project's own import discipline.
import tseslint from "typescript-eslint";

/** Deep imports only: the provider's root index loads ~2,200 modules. */
const providerImports = {
  paths: [
    {
      name: "@cdktf/provider-aws",
      message: "Import the resource by deep path (@cdktf/provider-aws/lib/<resource>): the root index loads ~2,200 modules.",
    },
  ],
  patterns: [
    {
      regex: "^@cdktf/provider-aws(/lib)?(/index(\\.js)?)?$|^@cdktf/provider-aws/lib/[^/]+/",
      message: "Import the resource module itself: @cdktf/provider-aws/lib/<resource>.",
    },
  ],
};

/** Layers point one way, variables/ -> stacks/ -> constructs/: files here may not import the folders named. */
const layer = (files, forbidden) => ({
  files,
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: providerImports.paths,
        patterns: [
          ...providerImports.patterns,
          ...Object.entries(forbidden).map(([folder, message]) => ({ regex: `(^|/)${folder}/`, message })),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ["node_modules/**", "cdktf.out/**", ".lab/**", ".gen/**", "**/*.js", "emulator/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits fails silently (a Terraform step that never ran, a server never stopped).
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // `x!` hides a missing value until it breaks far away; make the absence explicit instead.
      "@typescript-eslint/no-non-null-assertion": "error",
    },
  },
  {
    rules: {
      "no-restricted-imports": ["error", providerImports],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  layer(["constructs/**/*.ts"], {
    variables: "Constructs take typed props; the deployment schema stays in variables/ and the stacks map it to props.",
    stacks: "Constructs are reusable: they never import a stack.",
  }),
  layer(["variables/**/*.ts"], {
    constructs: "The schema validates input; it imports no construct code (the stacks pass its output to constructs).",
  }),
);
