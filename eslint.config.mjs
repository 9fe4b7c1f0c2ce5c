// Lint rules: typescript-eslint's recommended set plus the project's own import discipline.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "cdktf.out/**", ".lab/**", ".gen/**", "**/*.js", "emulator/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message:
                "Import the resource by deep path (@cdktf/provider-aws/lib/<resource>): the root index loads ~2,200 modules.",
            },
          ],
          patterns: [
            {
              regex: "^@cdktf/provider-aws(/lib)?(/index(\\.js)?)?$|^@cdktf/provider-aws/lib/[^/]+/",
              message: "Import the resource module itself: @cdktf/provider-aws/lib/<resource>.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
