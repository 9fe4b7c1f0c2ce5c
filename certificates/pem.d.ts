// A `.pem` import is the file's text: esbuild's text loader in functions/bundle.ts, a plugin in vitest.config.ts.
declare module "*.pem" {
  const text: string;
  export default text;
}
