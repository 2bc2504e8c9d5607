// Runs in the benchmark page: age-encryption streaming encryption of generated plaintext into
// the Origin Private File System, then streaming decryption of that file with SHA-256 of the
// plaintext, as the recipient page does. Only one chunk at a time is ever in memory.
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { sha256 } from "@noble/hashes/sha2.js";

const CHUNK = 64 * 1024;

function plaintext(total) {
  const pattern = crypto.getRandomValues(new Uint8Array(CHUNK));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(CHUNK, total - sent);
      const chunk = pattern.slice(0, n);
      chunk[0] = sent & 0xff;
      controller.enqueue(chunk);
      sent += n;
    },
  });
}

window.pliBench = async (mebibytes) => {
  const total = mebibytes * 1024 * 1024;
  const identity = await generateX25519Identity();
  const encrypter = new Encrypter();
  encrypter.addRecipient(await identityToRecipient(identity));
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle("bench.age", { create: true });

  let start = performance.now();
  const writable = await handle.createWritable();
  await (await encrypter.encrypt(plaintext(total))).pipeTo(writable);
  const encryptSeconds = (performance.now() - start) / 1000;

  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  start = performance.now();
  const file = await handle.getFile();
  const reader = (await decrypter.decrypt(file.stream())).getReader();
  const hash = sha256.create();
  let read = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    hash.update(value);
    read += value.length;
  }
  hash.digest();
  const decryptSeconds = (performance.now() - start) / 1000;
  await root.removeEntry("bench.age");
  if (read !== total) throw new Error(`decrypted ${read} bytes of ${total}`);
  return { encryptSeconds, decryptSeconds, ciphertextBytes: file.size };
};
