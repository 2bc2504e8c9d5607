/**
 * Why an envelope was refused. Kept coarse on purpose, like the reference reader: a page says
 * "modified or incomplete", never which byte or check failed.
 */
export type EnvelopeFailure =
  /** No identity of ours unwraps the file key: wrong link or wrong key. */
  | "wrong_key"
  /** Not an age file at all, or a header that does not authenticate. */
  | "not_envelope"
  /** A chunk that does not authenticate, a payload cut short or extended. */
  | "decryption"
  /** Manifest, tar structure or file names outside docs/FORMAT.md. */
  | "format"
  /** The manifest is not signed by the expected sender key, or names another key. */
  | "signature"
  /** A file's content does not match the manifest's hash or size. */
  | "hash"
  /** The manifest describes another envelope than the one asked for. */
  | "mismatch"
  /** The files could not be written to the browser's private storage. */
  | "storage";

export class EnvelopeError extends Error {
  readonly failure: EnvelopeFailure;

  constructor(failure: EnvelopeFailure, detail: string) {
    super(detail);
    this.name = "EnvelopeError";
    this.failure = failure;
  }
}
