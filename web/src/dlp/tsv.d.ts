// Text files bundled by esbuild's text loader (build.mjs): the health dictionary.
declare module "*.tsv" {
  const text: string;
  export default text;
}
