// The browser's envelope writer against the reference reader: an envelope the TypeScript seals
// (with keys unwrapped by the browser's login code) is uploaded through the API and opened by
// `pli get`, files byte for byte; its announced size is exact; the browser's reader opens it
// too; and what a reader would refuse is refused before anything is sealed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Server, loadModule, tempDir, sha256 } from "./pli.mjs";

let server, alice, bob, envelope, writer, keys;

before(async () => {
  server = await Server.start();
  alice = server.user("alice@hopital.fr");
  bob = server.user("bob@hopital.fr");
  envelope = await loadModule("src/envelope/index.ts");
  // Apart from the reader's index, so that pages which only read do not carry the writer.
  writer = await loadModule("src/envelope/writer.ts");
  keys = await loadModule("src/account/keys.ts");
});

after(async () => {
  await server?.stop();
});


async function api(path, init = {}) {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
  return text === "" ? {} : JSON.parse(text);
}

/** Logs in as the browser does; returns the token, the account and its unwrapped keys. */
async function logIn(user) {
  const json = { "content-type": "application/json" };
  const prelogin = await api("/api/auth/prelogin", { method: "POST", headers: json, body: JSON.stringify({ email: user.email }) });
  const derived = await keys.deriveKeys(user.password, keys.decodeSalt(prelogin.salt), prelogin.kdf);
  const session = await api("/api/auth/login", { method: "POST", headers: json, body: JSON.stringify({ email: user.email, auth_key: keys.encodeKey(derived.authKey) }) });
  const account = await keys.unwrapKeys(derived.wrapKey, session.wrapped_keys, user.email);
  keys.checkMatches(account, session.account);
  return { token: session.token, account };
}

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const blobOf = (name, bytes, mediaType = "application/octet-stream") => {
  const blob = new Blob([bytes]);
  return { name, mediaType, size: bytes.length, stream: () => blob.stream() };
};

test("an envelope sealed by the browser's code opens with pli get, byte for byte", async () => {
  const { token, account } = await logIn(alice);
  const bobKeys = JSON.parse(readFileSync(join(bob.home, "profile.json"), "utf8")).public_keys;
  const files = {
    "compte rendu.pdf": randomBytes(150_000),
    "vide.txt": Buffer.alloc(0),
    [`${"é".repeat(60)}.txt`]: Buffer.from("un nom de plus de cent octets\n"),
    "exact.bin": randomBytes(65_536 - 512 * 3),
  };
  const id = randomBytes(16).toString("hex");
  const sealed = await writer.sealEnvelope(
    Object.entries(files).map(([name, bytes]) => blobOf(name, bytes)),
    {
      envelopeId: id,
      subject: "Compte rendu d'hospitalisation",
      senderEmail: alice.email,
      signingSeed: account.signingSeed,
      recipients: [bob.email],
      ageRecipients: [account.publicKeys.age_recipient, bobKeys.age_recipient],
      createdAt: Math.floor(Date.now() / 1000),
    },
  );
  const ciphertext = await collect(sealed.ciphertext);
  assert.equal(ciphertext.length, sealed.size, "the announced size is exact");

  const auth = { authorization: `Bearer ${token}` };
  await api("/api/envelopes", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ id, to: [bob.email], size: sealed.size }) });
  await api(`/api/envelopes/${id}/content`, { method: "PUT", headers: { ...auth, "content-type": "application/octet-stream" }, body: ciphertext });

  const out = tempDir("got");
  const got = JSON.parse(bob.run(["get", id, "-o", out, "--json"]));
  assert.equal(got.sender, alice.email);
  assert.equal(got.subject, "Compte rendu d'hospitalisation");
  for (const [name, bytes] of Object.entries(files)) {
    assert.equal(sha256(readFileSync(join(out, name))), sha256(bytes), name);
  }
  // And the sender, with the receipt bob's `pli get` signed, sees it bind this manifest.
  const receipts = await api(`/api/envelopes/${id}/receipts`, { headers: auth });
  assert.equal(receipts.items.length, 1);
  assert.equal(receipts.items[0].manifest_hash, Buffer.from(sealed.manifestSha256).toString("base64url"));

  // The browser's reader opens it too, with the sender's key.
  const sink = { files: [], async begin(_, file) { this.files.push(file.name); }, async write() {}, async finish() {}, async discard() {} };
  const opened = await envelope.openEnvelope(new Blob([ciphertext]).stream(), { identity: bob.identity(), senderKey: envelope.decode32(account.publicKeys.signing_key), envelopeId: id }, sink);
  assert.deepEqual(sink.files, Object.keys(files));
  assert.deepEqual(Buffer.from(opened.manifestSha256), Buffer.from(sealed.manifestSha256));
});

test("what a reader would refuse is refused before anything is sealed", async () => {
  const seed = randomBytes(32);
  const options = {
    envelopeId: "0".repeat(32),
    subject: "s",
    senderEmail: alice.email,
    signingSeed: seed,
    recipients: [bob.email],
    ageRecipients: [JSON.parse(readFileSync(join(bob.home, "profile.json"), "utf8")).public_keys.age_recipient],
    createdAt: 1_700_000_000,
  };
  for (const name of ["../etc/passwd", "CON.txt", "pli-manifest.json", "a\u202Etxt.exe", " lead", "dot."]) {
    await assert.rejects(writer.sealEnvelope([blobOf(name, Buffer.from("x"))], options), { name: "EnvelopeError" }, name);
  }
  await assert.rejects(writer.sealEnvelope([blobOf("A.txt", Buffer.from("x")), blobOf("a.TXT", Buffer.from("y"))], options), { name: "EnvelopeError" });
  await assert.rejects(writer.sealEnvelope([blobOf("a.txt", Buffer.from("x"))], { ...options, envelopeId: "not an id" }), { name: "EnvelopeError" });
  await assert.rejects(writer.sealEnvelope([blobOf("a.txt", Buffer.from("x"))], { ...options, ageRecipients: [] }), { name: "EnvelopeError" });
  // A file whose size is not the one given is refused rather than sealed short.
  const liar = { ...blobOf("a.txt", Buffer.from("xyz")), size: 2 };
  await assert.rejects(writer.sealEnvelope([liar], options), { failure: "hash" });
});
