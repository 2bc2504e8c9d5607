// The browser's audit log verification against the vectors pli-audit checks (RFC 6962 test
// data of Certificate Transparency, the Go signed-note example) with their corruptions, and
// against a real server: its signed checkpoint opens, and a published key's inclusion proof
// verifies against it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Server, User, loadModule, pli, pliBinary, root, tempDir, totp } from "./pli.mjs";

const vectors = (name) => JSON.parse(readFileSync(join(root, "crates", "audit", "tests", "vectors", name), "utf8"));
const hex = (text) => Uint8Array.from(Buffer.from(text, "hex"));
let merkle, note, keylog, cosignature;

before(async () => {
  merkle = await loadModule("src/transparency/merkle.ts");
  cosignature = await loadModule("src/transparency/cosignature.ts");
  note = await loadModule("src/transparency/note.ts");
  keylog = await loadModule("src/transparency/keylog.ts");
});

const flip = (hash, bit) => Uint8Array.from(hash, (byte, at) => (at === 0 ? byte ^ bit : byte));
const garbage = new Uint8Array(32);
const someHash = hex("abacaba000000000000000000000000000000000000000000060061e00123456");

// The corruptions of transparency-dev/merkle's tests, as pli-audit's tests apply them.
test("inclusion proofs of the RFC 6962 data verify, and every corruption fails", () => {
  const v = vectors("rfc6962.json");
  assert.deepEqual(Buffer.from(merkle.EMPTY_ROOT).toString("hex"), v.empty_root);
  for (const { leaf, size: sizeNumber, proof } of v.inclusion) {
    const index = BigInt(leaf - 1);
    const size = BigInt(sizeNumber);
    const hashes = proof.map(hex);
    const leafHash = merkle.leafHash(hex(v.leaves[leaf - 1]));
    const rootHash = hex(v.roots[sizeNumber - 1]);
    assert.ok(merkle.verifyInclusion(leafHash, index, size, hashes, rootHash), `${leaf} of ${size}`);
    const probes = {
      "index - 1": [leafHash, index - 1n, size, hashes, rootHash],
      "index + 1": [leafHash, index + 1n, size, hashes, rootHash],
      "index ^ 2": [leafHash, index ^ 2n, size, hashes, rootHash],
      "size * 2": [leafHash, index, size * 2n, hashes, rootHash],
      "size / 2": [leafHash, index, size / 2n, hashes, rootHash],
      "wrong leaf": [merkle.leafHash(new TextEncoder().encode("WrongLeaf")), index, size, hashes, rootHash],
      "empty root": [leafHash, index, size, hashes, merkle.EMPTY_ROOT],
      "random root": [leafHash, index, size, hashes, someHash],
      "trailing garbage": [leafHash, index, size, [...hashes, garbage], rootHash],
      "trailing root": [leafHash, index, size, [...hashes, rootHash], rootHash],
      "preceding garbage": [leafHash, index, size, [garbage, ...hashes], rootHash],
      "preceding root": [leafHash, index, size, [rootHash, ...hashes], rootHash],
    };
    hashes.forEach((_, i) => {
      probes[`proof[${i}] bit 3`] = [leafHash, index, size, hashes.map((hash, at) => (at === i ? flip(hash, 8) : hash)), rootHash];
    });
    if (hashes.length > 0) {
      probes["removed component"] = [leafHash, index, size, hashes.slice(1), rootHash];
      probes["inserted component"] = [leafHash, index, size, [hashes[0], garbage, ...hashes.slice(1)], rootHash];
    }
    for (const [description, args] of Object.entries(probes)) {
      assert.equal(merkle.verifyInclusion(...args), false, `${description} verified for leaf ${leaf} of ${size}`);
    }
  }
});

test("consistency proofs of the RFC 6962 data verify, and every corruption fails", () => {
  const v = vectors("rfc6962.json");
  for (const { size1: n1, size2: n2, proof } of v.consistency) {
    const [size1, size2] = [BigInt(n1), BigInt(n2)];
    const hashes = proof.map(hex);
    const [root1, root2] = [hex(v.roots[n1 - 1]), hex(v.roots[n2 - 1])];
    assert.ok(merkle.verifyConsistency(size1, size2, root1, root2, hashes), `${n1} to ${n2}`);
    if (hashes.length === 0) continue;
    const probes = {
      "size1 - 1": [size1 - 1n, size2, root1, root2, hashes],
      "size1 + 1": [size1 + 1n, size2, root1, root2, hashes],
      "size1 ^ 2": [size1 ^ 2n, size2, root1, root2, hashes],
      "size2 * 2": [size1, size2 * 2n, root1, root2, hashes],
      "size2 / 2": [size1, size2 / 2n, root1, root2, hashes],
      "wrong root1": [size1, size2, someHash, root2, hashes],
      "wrong root2": [size1, size2, root1, someHash, hashes],
      "swapped roots": [size1, size2, root2, root1, hashes],
      "empty proof": [size1, size2, root1, root2, []],
      "trailing garbage": [size1, size2, root1, root2, [...hashes, garbage]],
      "trailing root1": [size1, size2, root1, root2, [...hashes, root1]],
      "trailing root2": [size1, size2, root1, root2, [...hashes, root2]],
      "preceding garbage": [size1, size2, root1, root2, [garbage, ...hashes]],
      "preceding root1": [size1, size2, root1, root2, [root1, ...hashes]],
      "preceding root2": [size1, size2, root1, root2, [root2, ...hashes]],
      "preceding proof[0]": [size1, size2, root1, root2, [hashes[0], ...hashes]],
      "truncated proof": [size1, size2, root1, root2, hashes.slice(0, -1)],
    };
    hashes.forEach((_, i) => {
      probes[`proof[${i}] bit 4`] = [size1, size2, root1, root2, hashes.map((hash, at) => (at === i ? flip(hash, 16) : hash))];
    });
    for (const [description, args] of Object.entries(probes)) {
      assert.equal(merkle.verifyConsistency(...args), false, `${description} verified for ${n1} to ${n2}`);
    }
  }
  // From the empty tree: only an empty proof and the empty root.
  assert.ok(merkle.verifyConsistency(0n, 5n, merkle.EMPTY_ROOT, hex(v.roots[4]), []));
  assert.equal(merkle.verifyConsistency(0n, 5n, hex(v.roots[0]), hex(v.roots[4]), []), false);
  assert.equal(merkle.verifyConsistency(0n, 5n, merkle.EMPTY_ROOT, hex(v.roots[4]), [hex(v.roots[0])]), false);
  // Over-long proofs are refused before any hashing.
  assert.equal(merkle.verifyConsistency(3n, 8n, hex(v.roots[2]), hex(v.roots[7]), Array(65).fill(hex(v.roots[0]))), false);
});

test("the Go signed-note example opens with its key, and forgeries do not", () => {
  const v = vectors("signed-note.json");
  const peter = note.parseVerifier(v.verifier_key);
  assert.equal(peter.keyId, 0xc74f20a3);
  assert.equal(note.openNote(v.signed_note, peter), v.text);
  const enoch = note.parseVerifier(v.second_verifier_key);
  const both = v.signed_note + v.second_signature_line;
  assert.equal(note.openNote(both, peter), v.text);
  assert.equal(note.openNote(both, enoch), v.text);
  assert.throws(() => note.openNote(v.signed_note, enoch), { name: "NoteError" });
  assert.throws(() => note.openNote(v.signed_note.replace("cryptography", "cryptographY"), peter), /does not verify/);
  assert.throws(() => note.openNote(v.signed_note.slice(0, -1), peter), /newline/);
  assert.throws(() => note.openNote(v.text, peter), /signature block/);
  assert.throws(() => note.openNote(v.signed_note.replace("problem,", "problem,\u0007"), peter), /control/);
  // It is no checkpoint: the origin is not the key's name... and the size line is prose.
  assert.throws(() => note.openCheckpoint(v.signed_note, peter), { name: "NoteError" });
  // A key whose base64 holds `+` (as real keys often do) parses whole.
  for (let attempt = 0; attempt < 1000; attempt++) {
    const key = randomBytes(32);
    const encoded = Buffer.concat([Buffer.from([1]), key]).toString("base64");
    if (!encoded.includes("+")) continue;
    const id = note.keyIdOf("pli.example.org/audit", key).toString(16).padStart(8, "0");
    const parsed = note.parseVerifier(`pli.example.org/audit+${id}+${encoded}`);
    assert.deepEqual(Buffer.from(parsed.publicKey), key);
    break;
  }
  for (const bad of [
    "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "PeterNeumann+c74f20a3+AhpcmQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "PeterNeumann+c74f20a3",
    "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
  ]) {
    assert.throws(() => note.parseVerifier(bad), { name: "NoteError" }, bad);
  }
});

let server;
after(async () => {
  await server?.stop();
});

test("a real server's checkpoint opens, and a published key's inclusion proof verifies", async () => {
  server = await Server.start();
  const alice = server.user("alice@hopital.fr");
  const get = async (path) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${JSON.parse(readFileSync(join(alice.home, "profile.json"), "utf8")).token}` } });
    assert.equal(response.status, 200, path);
    return response;
  };
  const verifier = note.parseVerifier((await (await get("/api/audit/log/key")).text()).trim());
  const checkpoint = note.openCheckpoint(await (await get("/api/audit/log/checkpoint")).text(), verifier);
  assert.ok(checkpoint.size > 0n);
  const entry = await (await get("/api/directory/alice%40hopital.fr")).json();
  const logIndex = entry.keys[0].log_index;
  assert.equal(typeof logIndex, "number");
  const proof = await (await get(`/api/keys/proof?index=${logIndex}&size=${checkpoint.size}`)).json();
  const leaf = merkle.leafHash(Uint8Array.from(Buffer.from(proof.entry, "base64")));
  const hashes = proof.hashes.map((hash) => Uint8Array.from(Buffer.from(hash, "base64")));
  assert.ok(merkle.verifyInclusion(leaf, BigInt(logIndex), checkpoint.size, hashes, checkpoint.root));
  // The same proof against another root, or another checkpoint's signature, fails.
  assert.equal(merkle.verifyInclusion(leaf, BigInt(logIndex), checkpoint.size, hashes, merkle.EMPTY_ROOT), false);
  const forged = (await (await get("/api/audit/log/checkpoint")).text()).replace(/\n(\d+)\n/, (_, n) => `\n${BigInt(n) + 1n}\n`);
  assert.throws(() => note.openCheckpoint(forged, verifier), /does not verify/);
});

test("keys are proven as pli send proves them: account and mailbox keys, the log's growth, and lies", async () => {
  const alice = server.user("alice2@hopital.fr");
  const bob = server.user("bob2@hopital.fr");
  const token = JSON.parse(readFileSync(join(alice.home, "profile.json"), "utf8")).token;
  const json = async (path) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return path.includes("/log/") ? response.text() : response.json();
  };
  const source = {
    checkpoint: () => json("/api/audit/log/checkpoint"),
    keyProof: (index, size) => json(`/api/keys/proof?index=${index}&size=${size}`),
    keyConsistency: (from, to) => json(`/api/keys/consistency?from=${from}&to=${to}`),
  };
  const verifier = note.parseVerifier((await json("/api/audit/log/key")).trim());
  const entryOf = async (address) => json(`/api/directory/${encodeURIComponent(address)}`);
  const [aliceKey] = (await entryOf(alice.email)).keys;
  const [bobKey] = (await entryOf(bob.email)).keys;

  const log = new keylog.KeyLog(verifier, source);
  await log.checkAccount(alice.email, aliceKey);
  await log.checkAccount(bob.email, bobKey);
  // A substituted key, or another account's entry, is not proven.
  await assert.rejects(log.checkAccount(alice.email, { ...aliceKey, public_keys: bobKey.public_keys }), { name: "Unproven" });
  await assert.rejects(log.checkAccount(alice.email, { ...aliceKey, log_index: bobKey.log_index }), { name: "Unproven" });
  await assert.rejects(log.checkAccount(alice.email, { ...aliceKey, log_index: null }), { name: "Unproven" });
  await assert.rejects(log.checkAccount(alice.email, { ...aliceKey, log_index: 1e9 }), { name: "Unproven" });

  // The log grows; a later check proves the new checkpoint extends the one kept.
  const kept = log.latest();
  const carol = server.user("carol2@hopital.fr");
  const [carolKey] = (await entryOf(carol.email)).keys;
  const later = new keylog.KeyLog(verifier, source, kept);
  await later.checkAccount(carol.email, carolKey);
  assert.ok(later.latest().size > kept.size);
  // A kept checkpoint the server's history does not extend (a fork) is caught.
  const forked = { ...kept, root: merkle.leafHash(new Uint8Array([1])) };
  await assert.rejects(new keylog.KeyLog(verifier, source, forked).checkAccount(carol.email, carolKey), /does not extend/);
  // And one from a larger tree than the server now shows: the log shrank.
  await assert.rejects(new keylog.KeyLog(verifier, source, { ...kept, size: kept.size + 1000n }).checkAccount(carol.email, carolKey), /shrank/);
  // Another log key does not open the server's checkpoints.
  const other = note.parseVerifier(vectors("signed-note.json").verifier_key);
  await assert.rejects(new keylog.KeyLog(other, source).checkAccount(alice.email, aliceKey), /not signed by the pinned key/);

  // A mailbox's key generation, made by a member's client.
  pli(["admin", "mailbox", "create", "accueil", "--org", "hopital", "--data", server.data]);
  pli(["admin", "mailbox", "add", "accueil", alice.email, "--data", server.data]);
  alice.run(["mailbox", "sync", "accueil"]);
  const mailbox = await entryOf("accueil");
  const current = mailbox.mailbox_key;
  // A KeyLog holds one checkpoint, like one `pli send`: a fresh one sees the new entry.
  const mailboxLog = new keylog.KeyLog(verifier, source, later.latest());
  await mailboxLog.checkMailbox("accueil", current.key.generation, current.key.recipient, current.log_index);
  await assert.rejects(mailboxLog.checkMailbox("accueil", current.key.generation + 1, current.key.recipient, current.log_index), { name: "Unproven" });
  await assert.rejects(mailboxLog.checkMailbox("accueil", current.key.generation, aliceKey.public_keys.age_recipient, current.log_index), { name: "Unproven" });
  await assert.rejects(mailboxLog.checkMailbox("urgences", current.key.generation, current.key.recipient, current.log_index), { name: "Unproven" });
});

test("published-key entries are decoded strictly", () => {
  const string = (text) => {
    const bytes = Buffer.from(text, "utf8");
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const entry = ({ version = 1, kind = 2, ownerType = 0, owner = "alice@hopital.fr", generation = 0, key = true, trailing = Buffer.alloc(0) } = {}) => {
    const header = Buffer.alloc(50);
    header[0] = version;
    header[1] = kind;
    header.writeBigUInt64BE(7n, 2);
    const gen = Buffer.alloc(4);
    gen.writeUInt32BE(generation);
    return new Uint8Array(Buffer.concat([header, Buffer.from([ownerType]), string(owner), gen, string("age1xyz"), key ? Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 9)]) : Buffer.from([0]), trailing]));
  };
  const account = keylog.decodeKeyEntry(entry());
  assert.equal(account.index, 7n);
  assert.deepEqual(account.owner, { kind: "account", email: "alice@hopital.fr" });
  assert.equal(account.ageRecipient, "age1xyz");
  assert.deepEqual(Buffer.from(account.signingKey), Buffer.alloc(32, 9));
  assert.deepEqual(keylog.decodeKeyEntry(entry({ ownerType: 1, owner: "urgences", generation: 3, key: false })).owner, { kind: "mailbox", name: "urgences", generation: 3 });
  // A leading byte-order mark is part of the owner, as Rust reads it: not alice.
  assert.equal(keylog.decodeKeyEntry(entry({ owner: "\uFEFFalice@hopital.fr" })).owner.email, "\uFEFFalice@hopital.fr");
  for (const bad of [
    entry({ version: 2 }),
    entry({ kind: 1 }),
    entry({ ownerType: 2 }),
    entry({ generation: 1 }),
    entry({ ownerType: 1, generation: 0, key: false }),
    entry({ trailing: Buffer.from([0]) }),
    entry().subarray(0, 60),
    new Uint8Array(0),
  ]) {
    assert.throws(() => keylog.decodeKeyEntry(bad), { name: "Unproven" });
  }
});

test("cosignature/v1 lines made by another implementation verify, and forgeries do not", () => {
  const v = vectors("cosignature-aics-tlog.json");
  const witness = cosignature.parseCosigner(v.witness_vkey);
  assert.equal(witness.text, v.witness_vkey);
  const now = v.time + 10;
  assert.equal(cosignature.countCosignatures([witness], v.cosigned_note, now), 1);
  // The log's own signature is no cosignature; a note without the line has none.
  assert.equal(cosignature.countCosignatures([witness], v.log_signed_note, now), 0);
  // Another checkpoint text, another time, another key id: refused.
  assert.equal(cosignature.countCosignatures([witness], v.cosigned_note.replace("\n1234\n", "\n1235\n"), now), 0);
  assert.equal(cosignature.countCosignatures([witness], v.cosigned_note.replace("an extension", "An extension"), now), 0);
  const line = v.cosignature_line;
  const body = Buffer.from(line.split(" ").pop(), "base64");
  const later = Buffer.from(body);
  later.writeBigUInt64BE(BigInt(v.time + 1), 4);
  assert.equal(cosignature.countCosignatures([witness], v.cosigned_note.replace(line, `${line.slice(0, line.lastIndexOf(" "))} ${later.toString("base64")}`), now), 0);
  // Dated beyond the allowed clock skew after this machine's clock: not counted yet.
  assert.equal(cosignature.countCosignatures([witness], v.cosigned_note, v.time - cosignature.MAX_COSIGNATURE_CLOCK_SKEW - 1), 0);
  assert.equal(cosignature.countCosignatures([witness], v.cosigned_note, v.time - cosignature.MAX_COSIGNATURE_CLOCK_SKEW), 1);
  // The same key trusted twice, or in its plain form too, counts once; a stranger's key, never.
  const plain = cosignature.parseCosigner(v.witness_vkey);
  assert.equal(cosignature.countCosignatures([witness, plain], v.cosigned_note, now), 1);
  const stranger = cosignature.parseCosigner(v.log_vkey);
  assert.equal(cosignature.countCosignatures([stranger], v.cosigned_note, now), 0);
  // Malformed notes count nothing and throw nothing.
  for (const bad of ["", "\n\n", v.cosigned_note.slice(0, -1), v.cosigned_note.replace(line, `${line}=`), "x".repeat(70000) + "\n\n— a b\n"]) {
    assert.equal(cosignature.countCosignatures([witness], bad, now), 0);
  }
});

test("witness keys parse as the transparency-dev witnesses' library parses them", () => {
  const v = vectors("cosignature-vkeys.json");
  for (const key of Object.keys(v.valid)) {
    const parsed = cosignature.parseCosigner(key);
    // Listed in the cosignature/v1 form whatever form it was given in.
    // base64 of 0x04 then a key byte: B, then A to P.
    assert.match(parsed.text, /^[^+]+\+[0-9a-f]{8}\+B[A-P]/, key);
    assert.equal(cosignature.parseCosigner(parsed.text).text, parsed.text);
  }
  // A key servers cannot be asked for: a comma in its name (keys are listed with commas), or too long.
  const keyText = (name) => {
    const key = Buffer.concat([Buffer.from([4]), Buffer.alloc(32, 9)]);
    const id = createHash("sha256").update(Buffer.concat([Buffer.from(`${name}\n`), key])).digest().subarray(0, 4).toString("hex");
    return `${name}+${id}+${key.toString("base64")}`;
  };
  assert.equal(cosignature.parseCosigner(keyText("witness/dpo")).text, keyText("witness/dpo"));
  assert.throws(() => cosignature.parseCosigner(keyText("witness/dpo,cnil")), /comma/);
  assert.throws(() => cosignature.parseCosigner(keyText(`witness/${"a".repeat(500)}`)), /too long/);
  const native = Object.keys(v.valid)[0];
  assert.equal(cosignature.parseCosigner(native).text, native);
  for (const key of [...Object.keys(v.invalid), "", "a+b+c", `${native.slice(0, -2)}xx`, native.replace("+da77ade7+", "+da77ade8+"), "x".repeat(2000)]) {
    assert.throws(() => cosignature.parseCosigner(key), { name: "NoteError" }, key);
  }
});

test("keys are proven only against checkpoints the required witnesses cosigned, witnesses running apart vouching together", async () => {
  server ??= await Server.start();
  const alice = server.user("alice3@hopital.fr");
  const dpo = server.user("dpo3@hopital.fr", "hopital", "auditor");
  const cnil = server.user("cnil3@cnil.fr", "cnil", "auditor");
  // Auditors must have a second factor before anything else.
  for (const auditor of [dpo, cnil]) {
    const secret = auditor.run(["2fa", "enable"]).split("\n")[1].trim();
    auditor.run(["2fa", "confirm", totp(secret, 0)]);
  }
  const token = JSON.parse(readFileSync(join(alice.home, "profile.json"), "utf8")).token;
  const fetchText = async (path) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status === 404 && path.includes("cosigned=true")) return null;
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return path.includes("/log/") ? response.text() : response.json();
  };
  const source = {
    checkpoint: () => fetchText("/api/audit/log/checkpoint"),
    cosignedCheckpoint: (witnesses, required) => fetchText(`/api/audit/log/checkpoint?cosigned=true&witnesses=${encodeURIComponent(witnesses.join(","))}&required=${required}`),
    keyProof: (index, size) => fetchText(`/api/keys/proof?index=${index}&size=${size}`),
    keyConsistency: (from, to) => fetchText(`/api/keys/consistency?from=${from}&to=${to}`),
  };
  const verifier = note.parseVerifier((await fetchText("/api/audit/log/key")).trim());
  const keyOf = async (user) => (await fetchText(`/api/directory/${encodeURIComponent(user.email)}`)).keys[0];
  const keys = tempDir("witness-keys");
  // `pli audit witness` as `user`; returns its key, which it prints on stderr.
  const witness = (user, name) => {
    const run = spawnSync(pliBinary(), ["audit", "witness", "--key", join(keys, name)], {
      env: { PATH: process.env.PATH, HOME: "/nonexistent", LANG: "C.UTF-8", PLI_HOME: user.home, PLI_PASSWORD: user.password },
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^cosigned the checkpoint of \d+ entries/);
    return /^witness key: (\S+)/m.exec(run.stderr)[1];
  };
  const proves = (witnesses, required) => new keylog.KeyLog(verifier, source, null, { witnesses: witnesses.map(cosignature.parseCosigner), required });

  // Nothing cosigned yet: nothing is proven under a rule that requires a witness.
  const bobKey = await keyOf(server.user("bob3@hopital.fr"));
  const unknown = cosignature.parseCosigner(cosignature.parseCosigner(vectors("cosignature-aics-tlog.json").witness_vkey).text);
  await assert.rejects(proves([unknown.text], 1).checkAccount("bob3@hopital.fr", bobKey), { name: "NotWitnessed" });

  // The DPO's witness runs; Carol joins; the CNIL's witness runs: they cosigned two checkpoints,
  // and a rule requiring both proves Bob's key (in both), not yet Carol's (in the CNIL's only).
  const dpoKey = witness(dpo, "dpo.key");
  const carol = server.user("carol3@hopital.fr");
  const cnilKey = witness(cnil, "cnil.key");
  const carolKey = await keyOf(carol);
  await proves([dpoKey], 1).checkAccount("bob3@hopital.fr", bobKey);
  await proves([dpoKey, cnilKey], 2).checkAccount("bob3@hopital.fr", bobKey);
  await assert.rejects(proves([dpoKey, cnilKey], 2).checkAccount(carol.email, carolKey), { name: "NotWitnessed" });
  await proves([cnilKey], 1).checkAccount(carol.email, carolKey);
  // Trusting a witness that did not cosign, or one key twice, is not two witnesses.
  await assert.rejects(proves([dpoKey, unknown.text], 2).checkAccount("bob3@hopital.fr", bobKey), { name: "NotWitnessed" });
  const plainDpo = cosignature.parseCosigner(dpoKey);
  await assert.rejects(proves([dpoKey, plainDpo.text], 2).checkAccount("bob3@hopital.fr", bobKey), { name: "NotWitnessed" });
  // Once both have run again, Carol's key is in a checkpoint both cosigned.
  witness(dpo, "dpo.key");
  witness(cnil, "cnil.key");
  const both = proves([dpoKey, cnilKey], 2);
  await both.checkAccount(carol.email, carolKey);
  // A substituted key is still refused under witnesses, as without.
  await assert.rejects(both.checkAccount(carol.email, { ...carolKey, public_keys: bobKey.public_keys }), { name: "Unproven" });

  // A kept checkpoint larger than the latest witnessed one: the witnessed one must be its
  // prefix, and the larger stays kept.
  const latest = new keylog.KeyLog(verifier, source);
  await latest.checkAccount(carol.email, carolKey);
  server.user("dave3@hopital.fr");
  const newest = new keylog.KeyLog(verifier, source, latest.latest());
  await newest.checkAccount(carol.email, carolKey);
  const kept = newest.latest();
  const witnessed = new keylog.KeyLog(verifier, source, kept, { witnesses: [dpoKey, cnilKey].map(cosignature.parseCosigner), required: 2 });
  await witnessed.checkAccount(carol.email, carolKey);
  assert.equal(witnessed.latest().size, kept.size);
  const forked = { ...kept, root: merkle.leafHash(new Uint8Array([2])) };
  await assert.rejects(new keylog.KeyLog(verifier, source, forked, { witnesses: [dpoKey, cnilKey].map(cosignature.parseCosigner), required: 2 }).checkAccount(carol.email, carolKey), /does not extend/);
});

/** A fetch of `path` with `user`'s session: text for the log's notes, JSON otherwise. */
function getterOf(user) {
  return async (path) => {
    const token = JSON.parse(readFileSync(join(user.home, "profile.json"), "utf8")).token;
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw Object.assign(new Error(`${path}: ${response.status}`), { status: response.status });
    return path.includes("/log/") ? response.text() : response.json();
  };
}

/** The server's proof routes as a KeyLog's source, fetched with `get`. */
function logSourceOf(get) {
  return {
    checkpoint: () => get("/api/audit/log/checkpoint"),
    keyProof: (index, size) => get(`/api/keys/proof?index=${index}&size=${size}`),
    receiptProof: (id, index, size) => get(`/api/envelopes/${id}/receipts/proof?index=${index}&size=${size}`),
    policyProof: (index, size) => get(`/api/policy/proof?index=${index}&size=${size}`),
    keyConsistency: (from, to) => get(`/api/keys/consistency?from=${from}&to=${to}`),
  };
}

/** An admin of `org`, with a second factor, who has set version 1 of its policy. */
function adminWithPolicy(email, org) {
  const chief = new User(email, tempDir("home"));
  chief.run(["join", server.url, "--email", chief.email, "--code", server.invite(chief.email, org, "admin")]);
  const secret = chief.run(["2fa", "enable"]).split("\n")[1].trim();
  chief.run(["2fa", "confirm", totp(secret, 0)]);
  const file = join(tempDir("policy"), "policy.toml");
  writeFileSync(file, 'version = 1\n[kinds.nir]\nexternal = "block"\n');
  chief.run(["admin", "policy", "set", file]);
  return chief;
}

test("a receipt is proven as the log's entry of its envelope, and decoded strictly", async () => {
  server ??= await Server.start();
  const alice = server.user("alice4@hopital.fr");
  const bob = server.user("bob4@hopital.fr");
  const dir = tempDir("receipt-files");
  const file = join(dir, "compte-rendu.txt");
  writeFileSync(file, "résultats");
  const first = alice.send([file], bob.email);
  const second = alice.send([file], bob.email);
  for (const id of [first, second]) bob.run(["get", id, "-o", tempDir("receipt-got")]);
  const get = getterOf(alice);
  const source = logSourceOf(get);
  const verifier = note.parseVerifier((await get("/api/audit/log/key")).trim());
  const [receipt] = (await get(`/api/envelopes/${first}/receipts`)).items;
  const [other] = (await get(`/api/envelopes/${second}/receipts`)).items;
  const log = new keylog.KeyLog(verifier, source);
  const logged = await log.checkReceipt(first, receipt.log_index);
  assert.equal(Buffer.from(logged.envelopeId).toString("hex"), first);
  assert.equal(Buffer.from(logged.manifestHash).toString("base64url"), receipt.manifest_hash);
  assert.equal(logged.openedAt, BigInt(receipt.opened_at));
  assert.equal(logged.recipient, bob.email);
  assert.equal(Buffer.from(logged.signature).toString("base64url"), receipt.signature);
  assert.equal(Buffer.from(logged.signingKey).toString("base64url"), bob.signingKey());
  // Another envelope's receipt is not served as this one's; nor is an index beyond the log.
  await assert.rejects(log.checkReceipt(first, other.log_index), (error) => error.status === 404);
  await assert.rejects(log.checkReceipt(first, 1e9), { name: "Unproven" });

  // Strict decoding: the entry as proven, then every truncation and any trailing byte refused.
  const proof = await get(`/api/envelopes/${first}/receipts/proof?index=${receipt.log_index}&size=${(await log.checkReceipt(first, receipt.log_index)).index + 1n}`);
  const entry = Uint8Array.from(Buffer.from(proof.entry, "base64"));
  assert.equal(keylog.decodeReceiptEntry(entry).recipient, bob.email);
  for (let cut = 0; cut < entry.length; cut += 7) {
    assert.throws(() => keylog.decodeReceiptEntry(entry.subarray(0, cut)), { name: "Unproven" });
  }
  assert.throws(() => keylog.decodeReceiptEntry(Uint8Array.from([...entry, 0])), { name: "Unproven" });
  const asKey = Uint8Array.from(entry);
  asKey[1] = 2;
  assert.throws(() => keylog.decodeReceiptEntry(asKey), { name: "Unproven" });
});

test("a policy version is proven as the log's entry of its organisation, and decoded strictly", async () => {
  server ??= await Server.start();
  const chief = adminWithPolicy("chef5@hopital.fr", "hopital");
  const agent = server.user("agent5@hopital.fr");
  const stranger = server.user("agent5@police.fr", "police");
  const get = getterOf(agent);
  const verifier = note.parseVerifier((await get("/api/audit/log/key")).trim());
  const { policy } = await get("/api/policy");
  const served = {
    org: policy.org,
    version: policy.version,
    text: policy.text,
    signer: policy.signer,
    signingKey: Uint8Array.from(Buffer.from(chief.signingKey(), "base64url")),
    signature: Uint8Array.from(Buffer.from(policy.signature, "base64url")),
    logIndex: policy.log_index,
  };
  const log = new keylog.KeyLog(verifier, logSourceOf(get));
  await log.checkPolicy(served);
  // The organisation's name and the signer compare as Rust compares them, ASCII case aside.
  await log.checkPolicy({ ...served, org: "HOPITAL", signer: "Chef5@Hopital.fr" });
  // Anything else served otherwise than logged is refused.
  const otherKey = Uint8Array.from(served.signingKey, (byte, at) => (at === 0 ? byte ^ 1 : byte));
  for (const changed of [
    { version: 2 },
    { text: 'version = 1\n[kinds.nir]\nexternal = "allow"\n' },
    { signer: "agent5@hopital.fr" },
    { org: "police" },
    { signingKey: otherKey },
    { signature: Uint8Array.from(served.signature, (byte, at) => (at === 63 ? byte ^ 1 : byte)) },
    { logIndex: null },
    { logIndex: undefined },
    { logIndex: 1e9 },
  ]) {
    await assert.rejects(log.checkPolicy({ ...served, ...changed }), { name: "Unproven" }, JSON.stringify(Object.keys(changed)));
  }
  // A published key's index is no policy; another organisation's account is not shown this one.
  const [chiefKey] = (await get(`/api/directory/${chief.email}`)).keys;
  await assert.rejects(log.checkPolicy({ ...served, logIndex: chiefKey.log_index }), (error) => error.status === 404);
  await assert.rejects(new keylog.KeyLog(verifier, logSourceOf(getterOf(stranger))).checkPolicy(served), (error) => error.status === 404);

  // Strict decoding: the entry as proven, then every truncation, a trailing byte, version 0.
  const size = BigInt(policy.log_index) + 1n;
  const proof = await get(`/api/policy/proof?index=${policy.log_index}&size=${size}`);
  const entry = Uint8Array.from(Buffer.from(proof.entry, "base64"));
  const decoded = keylog.decodePolicyEntry(entry);
  assert.deepEqual([decoded.org, decoded.version, decoded.signer], ["hopital", 1n, chief.email]);
  assert.deepEqual(Buffer.from(decoded.textHash), createHash("sha256").update(policy.text).digest());
  for (let cut = 0; cut < entry.length; cut += 7) {
    assert.throws(() => keylog.decodePolicyEntry(entry.subarray(0, cut)), { name: "Unproven" });
  }
  assert.throws(() => keylog.decodePolicyEntry(Uint8Array.from([...entry, 0])), { name: "Unproven" });
  const unversioned = Uint8Array.from(entry);
  const at = 50 + 2 + Buffer.byteLength("hopital");
  unversioned.fill(0, at, at + 8);
  assert.throws(() => keylog.decodePolicyEntry(unversioned), { name: "Unproven" });
  const asKey = Uint8Array.from(entry);
  asKey[1] = 2;
  assert.throws(() => keylog.decodePolicyEntry(asKey), { name: "Unproven" });
});

test("a policy signer's role is proven as the log's role entry of its organisation, and decoded strictly", async () => {
  server ??= await Server.start();
  const chief = adminWithPolicy("chef6@clinique.fr", "clinique");
  const agent = server.user("agent6@clinique.fr", "clinique");
  const stranger = server.user("agent6@police.fr", "police");
  const get = getterOf(agent);
  const verifier = note.parseVerifier((await get("/api/audit/log/key")).trim());
  const { policy } = await get("/api/policy");
  assert.equal(typeof policy.signer_role_log_index, "number");
  const log = new keylog.KeyLog(verifier, logSourceOf(get));
  await log.checkAdmin(policy.org, policy.signer, policy.signer_role_log_index);
  await log.checkAdmin("CLINIQUE", "Chef6@Clinique.fr", policy.signer_role_log_index);
  // Another account, another organisation, no index, an index beyond the log: refused.
  for (const [org, signer, index] of [
    [policy.org, agent.email, policy.signer_role_log_index],
    ["police", policy.signer, policy.signer_role_log_index],
    [policy.org, policy.signer, null],
    [policy.org, policy.signer, undefined],
    [policy.org, policy.signer, 1e9],
  ]) {
    await assert.rejects(log.checkAdmin(org, signer, index), { name: "Unproven" }, JSON.stringify([org, signer, index]));
  }
  // The agent's own role entry (logged when it joined) states agent, not admin.
  const size = note.openCheckpoint(await get("/api/audit/log/checkpoint"), verifier).size;
  // The agent joined after the policy was set: its entry is among the last.
  let agentRole = null;
  for (let index = size - 1n; index >= 0n && agentRole === null; index--) {
    try {
      const proof = await get(`/api/policy/proof?index=${index}&size=${size}`);
      const decoded = keylog.decodeRoleEntry(Uint8Array.from(Buffer.from(proof.entry, "base64")));
      if (decoded.email === agent.email) agentRole = { index: Number(index), decoded };
    } catch (error) {
      if (error.status !== 404 && error.name !== "Unproven") throw error;
    }
  }
  assert.ok(agentRole, "the agent's role entry is served to its organisation");
  assert.deepEqual([agentRole.decoded.org, agentRole.decoded.role], ["clinique", "agent"]);
  await assert.rejects(log.checkAdmin(policy.org, agent.email, agentRole.index), (error) => error.name === "Unproven" && /agent, not an admin/.test(error.message));
  // A policy's index is no role; another organisation's account is not shown this one.
  await assert.rejects(log.checkAdmin(policy.org, policy.signer, policy.log_index), { name: "Unproven" });
  await assert.rejects(new keylog.KeyLog(verifier, logSourceOf(getterOf(stranger))).checkAdmin(policy.org, policy.signer, policy.signer_role_log_index), (error) => error.status === 404);

  // Strict decoding: every truncation, a trailing byte, an unknown role, another kind.
  const proof = await get(`/api/policy/proof?index=${policy.signer_role_log_index}&size=${size}`);
  const entry = Uint8Array.from(Buffer.from(proof.entry, "base64"));
  const decoded = keylog.decodeRoleEntry(entry);
  assert.deepEqual([decoded.org, decoded.email, decoded.role, decoded.index], ["clinique", chief.email, "admin", BigInt(policy.signer_role_log_index)]);
  for (let cut = 0; cut < entry.length; cut++) {
    assert.throws(() => keylog.decodeRoleEntry(entry.subarray(0, cut)), { name: "Unproven" });
  }
  assert.throws(() => keylog.decodeRoleEntry(Uint8Array.from([...entry, 0])), { name: "Unproven" });
  const unknown = Uint8Array.from(entry);
  unknown[unknown.length - 1] = 3;
  assert.throws(() => keylog.decodeRoleEntry(unknown), { name: "Unproven" });
  const asPolicy = Uint8Array.from(entry);
  asPolicy[1] = 4;
  assert.throws(() => keylog.decodeRoleEntry(asPolicy), { name: "Unproven" });
});
