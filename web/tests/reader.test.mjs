// The browser's envelope reader on real envelopes made by the `pli` CLI, and on hostile ones
// crafted here (sealed with the reference age library so that only the layer under test is
// wrong). Run with `node --test tests/` after `cargo build`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { ed25519 } from "@noble/curves/ed25519.js";
import { Server, loadEnvelopeModule, tempDir } from "./pli.mjs";

/** Keeps what the reader staged, and whether it was told to throw it away. */
class MemorySink {
  files = [];
  writes = 0;
  discarded = false;
  async begin(index, file) {
    this.current = { index, name: file.name, chunks: [] };
    this.files.push(this.current);
  }
  async write(chunk) {
    this.writes++;
    this.current.chunks.push(chunk);
  }
  async finish() {}
  async discard() {
    this.discarded = true;
    this.files = [];
  }
  bytes(name) {
    const file = this.files.find((f) => f.name === name);
    return file ? Buffer.concat(file.chunks) : null;
  }
}

/** A stream of `bytes` in chunks of `size` (odd sizes cross every boundary). */
function streamOf(bytes, size = 8191) {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(at, at + size)));
      at += size;
    },
  });
}

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const sha256hex = (bytes) => createHash("sha256").update(bytes).digest("hex");

let server, alice, bob, carol, id, ciphertext, bobIdentity, aliceKey, files;

const envelope = await loadEnvelopeModule();

async function open(bytes, options = {}, chunk) {
  const sink = new MemorySink();
  try {
    const opened = await envelope.openEnvelope(
      streamOf(bytes, chunk),
      { identity: bobIdentity, senderKey: aliceKey, envelopeId: id, ...options },
      sink,
    );
    return { opened, sink };
  } catch (error) {
    return { error, sink };
  }
}

async function refused(bytes, failure, options = {}) {
  const { error, sink } = await open(bytes, options);
  assert.ok(error instanceof envelope.EnvelopeError, `refused, got ${error}`);
  assert.equal(error.failure, failure, error.message);
  assert.ok(sink.discarded || sink.writes === 0, "staged files are discarded");
  assert.deepEqual(sink.files, [], "no file is offered");
}

describe("envelopes made by pli send", () => {
  before(async () => {
    server = await Server.start();
    alice = server.user("alice@hopital.fr");
    bob = server.user("bob@hopital.fr");
    carol = server.user("carol@hopital.fr");
    const dir = tempDir("files");
    files = {
      "rapport médical.pdf": randomBytes(200_000),
      "notes.txt": Buffer.from("Observations : néant.\n"),
      "vide.txt": Buffer.alloc(0),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    id = alice.send(Object.keys(files).map((name) => join(dir, name)), "bob@hopital.fr");
    ciphertext = readFileSync(server.blobPath(id));
    bobIdentity = bob.identity();
    aliceKey = envelope.decode32(alice.signingKey());
  });
  
  after(async () => {
    await server?.stop();
  });

  test("open with every file, hash and the manifest checked", async () => {
    const { opened, sink, error } = await open(ciphertext);
    assert.equal(error, undefined);
    assert.equal(opened.manifest.envelope_id, id);
    assert.equal(opened.manifest.sender.email, "alice@hopital.fr");
    assert.deepEqual(opened.manifest.recipients, ["bob@hopital.fr"]);
    assert.equal(sink.discarded, false);
    for (const [name, bytes] of Object.entries(files)) {
      assert.equal(sha256hex(sink.bytes(name)), sha256hex(bytes), name);
    }
    assert.equal(opened.manifestSha256.length, 32);
  });

  test("several identities are tried, as for an account and its mailboxes", async () => {
    const stranger = await generateX25519Identity();
    const { error, sink } = await open(ciphertext, { identity: [stranger, bobIdentity] });
    assert.equal(error, undefined);
    assert.equal(sha256hex(sink.bytes("notes.txt")), sha256hex(files["notes.txt"]));
    await refused(ciphertext, "wrong_key", { identity: [stranger, await generateX25519Identity()] });
  });

  test("the caller's manifest check runs before any file is staged", async () => {
    let seen = null;
    const { error, sink } = await open(ciphertext, {
      checkManifest: (manifest) => {
        seen = manifest.recipients;
        throw new envelope.EnvelopeError("mismatch", "listed recipients differ");
      },
    });
    assert.deepEqual(seen, ["bob@hopital.fr"]);
    assert.equal(error?.failure, "mismatch");
    assert.equal(sink.writes, 0, "nothing was staged");
    assert.deepEqual(sink.files, []);
  });

  test("the signed head alone gives the manifest hash the whole reading gives", async () => {
    const { opened } = await open(ciphertext);
    let pulled = 0;
    const counting = new ReadableStream({
      pull(controller) {
        if (pulled >= ciphertext.length) return controller.close();
        controller.enqueue(new Uint8Array(ciphertext.subarray(pulled, pulled + 4096)));
        pulled += 4096;
      },
    });
    const head = await envelope.readSignedManifest(counting, { identity: bobIdentity, senderKey: aliceKey, envelopeId: id });
    assert.deepEqual(Buffer.from(head.manifestSha256), Buffer.from(opened.manifestSha256));
    assert.equal(head.manifest.envelope_id, id);
    assert.ok(pulled < ciphertext.length / 2, `read ${pulled} of ${ciphertext.length} bytes`);
    await assert.rejects(
      envelope.readSignedManifest(streamOf(ciphertext), { identity: bobIdentity, senderKey: envelope.decode32(carol.signingKey()), envelopeId: id }),
      { failure: "signature" },
    );
    await assert.rejects(
      envelope.readSignedManifest(streamOf(ciphertext), { identity: bobIdentity, senderKey: aliceKey, envelopeId: "0".repeat(32) }),
      { failure: "mismatch" },
    );
  });

  test("open the same whatever the network's chunking", async () => {
    for (const size of [1, 511, 65_552, 1 << 20]) {
      const { error, sink } = await open(ciphertext, {}, size);
      assert.equal(error, undefined, `chunks of ${size}`);
      assert.equal(sha256hex(sink.bytes("rapport médical.pdf")), sha256hex(files["rapport médical.pdf"]));
    }
  });

  test("a flipped byte anywhere in the payload is refused", async () => {
    for (const at of [1000, 70_000, ciphertext.length - 20]) {
      const tampered = Buffer.from(ciphertext);
      tampered[at] ^= 0x01;
      await refused(tampered, "decryption");
    }
  });

  test("a flipped byte in the header is refused", async () => {
    const tampered = Buffer.from(ciphertext);
    tampered[60] ^= 0x01;
    const { error } = await open(tampered);
    assert.ok(["not_envelope", "wrong_key"].includes(error?.failure), String(error));
  });

  test("a truncated envelope is refused, at any length", async () => {
    for (const cut of [1, 16, 65_552, ciphertext.length - 300]) {
      await refused(ciphertext.subarray(0, ciphertext.length - cut), "decryption");
    }
  });

  test("bytes after the last chunk are refused", async () => {
    await refused(Buffer.concat([ciphertext, Buffer.from([0])]), "decryption");
  });

  test("another recipient's key does not open it", async () => {
    await refused(ciphertext, "wrong_key", { identity: carol.identity() });
  });

  test("a manifest not signed by the expected sender is refused", async () => {
    await refused(ciphertext, "signature", { senderKey: envelope.decode32(carol.signingKey()) });
  });

  test("an envelope other than the one asked for is refused", async () => {
    await refused(ciphertext, "mismatch", { envelopeId: "f".repeat(32) });
  });

  test("what is not an age file is refused", async () => {
    await refused(Buffer.from("not an envelope at all\n"), "not_envelope");
  });
});

// ---- Hostile envelopes: a correct age layer around a wrong archive. ----

const identity = await generateX25519Identity();
const recipient = await identityToRecipient(identity);
const signingSeed = randomBytes(32);
const signingKey = ed25519.getPublicKey(signingSeed);
const keyIdOf = (key) => createHash("sha256").update(key).digest().subarray(0, 16).toString("hex");

function tarHeader(name, size, type = "0") {
  const block = Buffer.alloc(512);
  block.write(name, 0, "utf8");
  block.write("0000600\0", 100);
  block.write("0000000\0", 108);
  block.write("0000000\0", 116);
  block.write(size.toString(8).padStart(11, "0") + "\0", 124);
  block.write("00000000000\0", 136);
  block.write("        ", 148);
  block.write(type, 156);
  block.write("ustar  \0", 257, "latin1");
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return block;
}

function tarEntry(name, data, type = "0") {
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([tarHeader(name, data.length, type), data, padding]);
}

function manifestFor(entries, { envelopeId = "a".repeat(32), spacing = "" } = {}) {
  const filesJson = entries
    .map(([name, data]) => `{"name":${JSON.stringify(name)},"size":${data.length},"media_type":"text/plain","sha256":"${sha256hex(data)}"}`)
    .join(",");
  return Buffer.from(
    `{"version":1,"envelope_id":"${envelopeId}","subject":"s",${spacing}"sender":{"email":"alice@hopital.fr","key_id":"${keyIdOf(signingKey)}"},` +
      `"recipients":["bob@hopital.fr"],"created_at":1700000000,"files":[${filesJson}]}`,
  );
}

function signed(manifest) {
  return Buffer.from(ed25519.sign(Buffer.concat([Buffer.from("pli-manifest-v1\n"), manifest]), signingSeed));
}

async function seal(archive) {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return Buffer.from(await encrypter.encrypt(new Uint8Array(archive)));
}

/** An archive of the manifest, its signature, the given entries and the end marker. */
function archive(manifest, entries, { tail = Buffer.alloc(1024) } = {}) {
  return Buffer.concat([
    tarEntry("pli-manifest.json", manifest),
    tarEntry("pli-manifest.sig", signed(manifest)),
    ...entries,
    tail,
  ]);
}

async function openCrafted(archiveBytes) {
  const sink = new MemorySink();
  try {
    await envelope.openEnvelope(streamOf(await seal(archiveBytes)), { identity, senderKey: signingKey }, sink);
    return { sink };
  } catch (error) {
    return { error, sink };
  }
}

async function craftedRefused(archiveBytes, failure) {
  const { error, sink } = await openCrafted(archiveBytes);
  assert.ok(error instanceof envelope.EnvelopeError, `refused, got ${error}`);
  assert.equal(error.failure, failure, error.message);
  assert.deepEqual(sink.files, [], "no file is offered");
}

describe("hostile archives", () => {
  const good = ["a.txt", Buffer.from("contenu\n")];

  test("the well-formed crafted envelope opens (so the cases below fail for their reason)", async () => {
    const { error, sink } = await openCrafted(archive(manifestFor([good]), [tarEntry(...good)]));
    assert.equal(error, undefined);
    assert.equal(sink.bytes("a.txt").toString(), "contenu\n");
  });

  test("a file whose bytes differ from its hash is refused after staging, and discarded", async () => {
    const { error, sink } = await openCrafted(archive(manifestFor([good]), [tarEntry("a.txt", Buffer.from("CONTENU\n"))]));
    assert.equal(error?.failure, "hash");
    assert.ok(sink.writes > 0 && sink.discarded, "it was staged, then thrown away");
  });

  test("a symbolic link, a directory or an unknown entry type is refused", async () => {
    for (const type of ["2", "5", "x", "g"]) {
      await craftedRefused(archive(manifestFor([good]), [tarEntry("a.txt", good[1], type)]), "format");
    }
  });

  test("a file not named as in the manifest is refused", async () => {
    await craftedRefused(archive(manifestFor([good]), [tarEntry("../a.txt", good[1])]), "format");
  });

  test("a missing file, an extra file and data after the end are refused", async () => {
    await craftedRefused(archive(manifestFor([good]), []), "format");
    await craftedRefused(archive(manifestFor([good]), [tarEntry(...good), tarEntry("b.txt", good[1])]), "format");
    await craftedRefused(archive(manifestFor([good]), [tarEntry(...good)], { tail: Buffer.concat([Buffer.alloc(1024), Buffer.from("x")]) }), "format");
  });

  test("an archive that stops before its end marker is refused", async () => {
    await craftedRefused(archive(manifestFor([good]), [tarEntry(...good)], { tail: Buffer.alloc(0) }), "format");
  });

  test("a non-canonical manifest is refused even when signed", async () => {
    await craftedRefused(archive(manifestFor([good], { spacing: " " }), [tarEntry(...good)]), "format");
  });

  test("unsafe file names in the manifest are refused", async () => {
    for (const name of ["../etc", "CON.txt", "a\u202Etxt.exe", "pli-manifest.json", "trailing.", " lead"]) {
      const entry = [name, Buffer.from("x")];
      await craftedRefused(archive(manifestFor([entry]), [tarEntry(...entry)]), "format");
    }
  });

  test("a wrong checksum is refused", async () => {
    const entry = tarEntry(...good);
    entry[0] ^= 0x20;
    await craftedRefused(archive(manifestFor([good]), [entry]), "format");
  });
});

describe("link keys and receipts", () => {
  test("the fragment carries exactly two 32-byte values", () => {
    const f = randomBytes(32);
    const k = randomBytes(32);
    const parsed = envelope.parseFragment(`#${b64url(f)}.${b64url(k)}`);
    assert.deepEqual(Buffer.from(parsed.fragmentHalf), f);
    assert.deepEqual(Buffer.from(parsed.senderKey), k);
    for (const bad of ["", "#", `#${b64url(f)}`, `#${b64url(f)}.${b64url(k)}.x`, `#${b64url(f)}=.${b64url(k)}`, `#${b64url(randomBytes(31))}.${b64url(k)}`]) {
      assert.equal(envelope.parseFragment(bad), null, bad);
    }
  });

  test("link keys derive an age identity that opens what is sealed to its recipient", async () => {
    const keys = envelope.deriveLinkKeys("0123456789abcdef0123456789abcdef", randomBytes(32), randomBytes(32));
    assert.match(keys.ageIdentity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    const encrypter = new Encrypter();
    encrypter.addRecipient(await identityToRecipient(keys.ageIdentity));
    const good = ["a.txt", Buffer.from("contenu\n")];
    const sealed = Buffer.from(await encrypter.encrypt(new Uint8Array(archive(manifestFor([good]), [tarEntry(...good)]))));
    await envelope.openEnvelope(streamOf(sealed), { identity: keys.ageIdentity, senderKey: signingKey }, new MemorySink());
  });

  test("receipts verify under the receipt key", () => {
    const seed = randomBytes(32);
    const digest = randomBytes(32);
    const signature = envelope.signReceipt(seed, "ab".repeat(16), digest, 1_700_000_000);
    const time = Buffer.alloc(8);
    time.writeBigInt64BE(1_700_000_000n);
    const message = Buffer.concat([Buffer.from("pli-receipt-v1\0"), Buffer.from("ab".repeat(16), "hex"), digest, time]);
    assert.ok(ed25519.verify(signature, message, envelope.receiptPublicKey(seed)));
  });
});
