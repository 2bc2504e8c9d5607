// What the node tests of web/src/dlp load, bundled as the page bundles it.
export * from "../src/dlp/index.js";
export * from "../src/dlp/extract.js";
export * from "../src/dlp/policy.js";
export { xmlText } from "../src/dlp/office.js";
export { PolicyNotTrusted, fetchPolicy, policySignedBytes } from "../src/app/policy.js";
export { inspectFiles } from "../src/dlp/files.js";
export { Unproven } from "../src/transparency/keylog.js";
