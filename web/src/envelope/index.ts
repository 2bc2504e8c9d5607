export { openEnvelope, readSignedManifest, type FileSink, type OpenOptions, type Opened } from "./reader.js";
export { EnvelopeError, type EnvelopeFailure } from "./errors.js";
export { parseManifest, canonicalManifest, isSafeFileName, type Manifest, type ManifestFile } from "./manifest.js";
export * from "./keys.js";
export { toHex, fromHex } from "./bytes.js";
