// The browser's login derivation against the vectors pli-client checks too
// (tests/vectors/login.json): same password, salt and cost, same keys, byte for byte.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root, loadModule } from "./pli.mjs";

const { vectors } = JSON.parse(readFileSync(join(root, "web", "tests", "vectors", "login.json"), "utf8"));
let keys;

before(async () => {
  keys = await loadModule("src/account/keys.ts");
});

test("the derivation and the unwrapping give the vectors' keys", async () => {
  assert.equal(vectors.length, 2);
  for (const vector of vectors) {
    const fractions = [];
    const derived = await keys.deriveKeys(vector.password, keys.decodeSalt(vector.salt), vector.kdf, (fraction) => fractions.push(fraction));
    assert.equal(keys.encodeKey(derived.authKey), vector.auth_key);
    assert.equal(keys.encodeKey(derived.wrapKey), vector.wrap_key);
    assert.ok(fractions.length > 0, "progress is reported");
    const account = await keys.unwrapKeys(derived.wrapKey, vector.wrapped_keys, vector.email);
    assert.equal(account.publicKeys.age_recipient, vector.age_recipient);
    assert.equal(account.publicKeys.signing_key, vector.signing_key);
    assert.equal(account.keyId, vector.key_id);
    assert.match(account.ageIdentity, /^AGE-SECRET-KEY-1[0-9A-Z]+$/);
  }
});

test("wrapped keys open only with the right wrapping key and email", async () => {
  const [vector] = vectors;
  const derived = await keys.deriveKeys(vector.password, keys.decodeSalt(vector.salt), vector.kdf);
  await assert.rejects(keys.unwrapKeys(derived.wrapKey, vector.wrapped_keys, "mallory@hopital.fr"), { failure: "wrong_password" });
  const other = await keys.deriveKeys("not the password", keys.decodeSalt(vector.salt), vector.kdf);
  await assert.rejects(keys.unwrapKeys(other.wrapKey, vector.wrapped_keys, vector.email), { failure: "wrong_password" });
  // Tampered, truncated and garbage blobs.
  const bytes = Buffer.from(vector.wrapped_keys, "base64url");
  bytes[30] ^= 1;
  await assert.rejects(keys.unwrapKeys(derived.wrapKey, bytes.toString("base64url"), vector.email), { failure: "wrong_password" });
  await assert.rejects(keys.unwrapKeys(derived.wrapKey, vector.wrapped_keys.slice(0, 40), vector.email), { failure: "malformed" });
  await assert.rejects(keys.unwrapKeys(derived.wrapKey, "not base64url!", vector.email), { failure: "malformed" });
});

test("weaker or absurd parameters and bad salts are refused before any work, as the CLI does", async () => {
  const salt = new Uint8Array(16);
  for (const kdf of [
    { m_kib: 19455, t: 2, p: 1 },
    { m_kib: 19456, t: 1, p: 1 },
    { m_kib: 19456, t: 2, p: 0 },
    { m_kib: 4 * 1024 * 1024 + 1, t: 2, p: 1 },
    { m_kib: 19456, t: 65, p: 1 },
    { m_kib: 19456, t: 2, p: 17 },
    { m_kib: 19456.5, t: 2, p: 1 },
    { m_kib: "19456", t: 2, p: 1 },
  ]) {
    await assert.rejects(keys.deriveKeys("password", salt, kdf), { failure: "weak_params" }, JSON.stringify(kdf));
  }
  keys.checkParams(keys.KDF_FLOOR);
  keys.checkParams(keys.KDF_CEILING);
  assert.throws(() => keys.decodeSalt("AAAA"), { failure: "bad_salt" });
  assert.throws(() => keys.decodeSalt("BwcHBwcHBwcHBwcHBwcHBwcH"), { failure: "bad_salt" });
  assert.throws(() => keys.decodeSalt("BwcHBwcHBwcHBwcHBwcHBw=="), { failure: "bad_salt" });
  assert.equal(keys.decodeSalt("BwcHBwcHBwcHBwcHBwcHBw").length, 16);
});

test("emails are normalised as the CLI does", () => {
  assert.equal(keys.normalizeEmail("  Alice@Hopital.FR "), "alice@hopital.fr");
});
