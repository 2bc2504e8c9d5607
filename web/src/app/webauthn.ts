// Passkeys (WebAuthn) in the app: the server's options (binary fields in unpadded base64url,
// as webauthn-rs writes them) turned into what `navigator.credentials` takes, and the
// authenticator's answer turned back into the JSON the server reads.
import { base64urlnopad } from "@scure/base";

type Json = Record<string, unknown>;

const decode = (text: unknown): Uint8Array<ArrayBuffer> => {
  if (typeof text !== "string") throw new TypeError("a binary field of the options is not text");
  return new Uint8Array(base64urlnopad.decode(text.replace(/=+$/, "")));
};
const encode = (buffer: ArrayBuffer | null): string | null => (buffer === null ? null : base64urlnopad.encode(new Uint8Array(buffer)));

function descriptors(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((entry: Json) => ({ ...(entry as object), type: "public-key", id: decode(entry.id) }) as PublicKeyCredentialDescriptor);
}

/** Asks an authenticator to answer a login or proof challenge; the server's JSON comes back. */
export async function getAssertion(options: unknown): Promise<Json> {
  const publicKey = (options as { publicKey?: Json }).publicKey;
  if (typeof publicKey !== "object" || publicKey === null) throw new TypeError("no publicKey in the options");
  const request: PublicKeyCredentialRequestOptions = {
    ...(publicKey as object),
    challenge: decode(publicKey.challenge),
    allowCredentials: descriptors(publicKey.allowCredentials),
  };
  const credential = (await navigator.credentials.get({ publicKey: request })) as PublicKeyCredential | null;
  if (credential === null) throw new DOMException("no credential", "NotAllowedError");
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    id: credential.id,
    rawId: encode(credential.rawId),
    type: credential.type,
    response: {
      authenticatorData: encode(response.authenticatorData),
      clientDataJSON: encode(response.clientDataJSON),
      signature: encode(response.signature),
      userHandle: encode(response.userHandle),
    },
    extensions: {},
  };
}

/** Asks an authenticator to make a new passkey; the server's JSON comes back. */
export async function createCredential(options: unknown): Promise<Json> {
  const publicKey = (options as { publicKey?: Json }).publicKey;
  if (typeof publicKey !== "object" || publicKey === null) throw new TypeError("no publicKey in the options");
  const user = publicKey.user as Json;
  // The rest (rp, pubKeyCredParams, authenticatorSelection, ...) is already in WebAuthn's shape.
  const creation = {
    ...(publicKey as object),
    challenge: decode(publicKey.challenge),
    user: { ...(user as object), id: decode(user.id) },
    excludeCredentials: descriptors(publicKey.excludeCredentials),
  } as unknown as PublicKeyCredentialCreationOptions;
  const credential = (await navigator.credentials.create({ publicKey: creation })) as PublicKeyCredential | null;
  if (credential === null) throw new DOMException("no credential", "NotAllowedError");
  const response = credential.response as AuthenticatorAttestationResponse;
  return {
    id: credential.id,
    rawId: encode(credential.rawId),
    type: credential.type,
    response: {
      attestationObject: encode(response.attestationObject),
      clientDataJSON: encode(response.clientDataJSON),
    },
    extensions: {},
  };
}

/** Whether this browser can use passkeys at all. */
export function passkeysAvailable(): boolean {
  return typeof window.PublicKeyCredential === "function" && window.isSecureContext;
}
