// Text extraction and the sending policy in the browser's code (web/src/dlp), as the pli-dlp
// crate's own tests check them: formats told by content, DOCX and ODT read, zip bombs and
// truncated archives refused as not inspectable; policies parsed with the same refusals and
// decided with the same reasons.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { zipSync, unzipSync, strToU8 } from "fflate";
import { loadModule } from "./pli.mjs";

let dlp;

before(async () => {
  dlp = await loadModule("tests/dlp-entry.ts");
});

const encode = (text) => new TextEncoder().encode(text);

function docx(paragraphs) {
  const body = paragraphs.map((paragraph) => `<w:p><w:r><w:t>${paragraph}</w:t></w:r></w:p>`).join("");
  return zipSync({
    "[Content_Types].xml": strToU8("<Types/>"),
    "word/document.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
    "word/footer1.xml": strToU8('<w:ftr xmlns:w="x"><w:p><w:r><w:t>Contact : secretariat@chu-exemple.fr</w:t></w:r></w:p></w:ftr>'),
  });
}

function odt(paragraphs) {
  const body = paragraphs.map((paragraph) => `<text:p>${paragraph}</text:p>`).join("");
  return zipSync({
    mimetype: [strToU8("application/vnd.oasis.opendocument.text"), { level: 0 }],
    "content.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>${body}</office:text></office:body></office:document-content>`),
  });
}

const kinds = (extracted) => dlp.scanText(extracted.text).map((finding) => finding.kind);

test("DOCX: body and footer, entities and tabs", () => {
  const extracted = dlp.extractBytes(docx(["Patiente suivie pour sclérose en plaques.", "IBAN FR14 2004 1010 0505 0001 3M02 606"]), "lettre.docx");
  assert.equal(extracted.format, "docx");
  assert.deepEqual(kinds(extracted), ["health", "iban", "email"]);
  const xml = encode('<w:document><w:body><w:p><w:r><w:t>Patient :</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">M. Dupont &amp; fils</w:t></w:r></w:p><w:p><w:r><w:t>NIR 2 55</w:t><w:delText> 08</w:delText></w:r></w:p><w:p/></w:body></w:document>');
  assert.equal(dlp.xmlText(xml, "word"), "Patient :\tM. Dupont & fils\nNIR 2 55 08\n\n");
});

test("ODT: paragraphs, spaces and line breaks", () => {
  const extracted = dlp.extractBytes(odt(["Née le 12/03/1985", "Tél. 06 12 34 56 78"]), "note.odt");
  assert.equal(extracted.format, "odt");
  assert.deepEqual(kinds(extracted), ["birthdate", "phone"]);
  const xml = encode('<office:text><text:h>Compte rendu</text:h><text:p>Né le<text:s text:c="2"/>12/03/1985<text:line-break/>fin</text:p></office:text>');
  assert.equal(dlp.xmlText(xml, "odf"), "Compte rendu\nNé le  12/03/1985\nfin\n");
});

test("a zip bomb is not inspectable, whatever sizes its headers declare", () => {
  const zeros = new Uint8Array(8 << 20);
  const bomb = zipSync({ "[Content_Types].xml": strToU8("<Types/>"), "word/document.xml": zeros });
  const limits = { maxFileBytes: 256 << 20, maxPartBytes: 1 << 20, maxTextBytes: 64 << 20 };
  assert.ok(bomb.length < 64 * 1024, `${bomb.length} bytes`);
  assert.deepEqual(dlp.extractBytes(bomb, "bomb.docx", limits), { notInspectable: "too-large" });
  // Headers lying about the size: the inflater stops at the cap all the same.
  const lying = bomb.slice();
  const view = new DataView(lying.buffer);
  for (let at = 0; at + 4 <= lying.length; at++) {
    const signature = view.getUint32(at, true);
    if (signature === 0x04034b50 && view.getUint32(at + 22, true) === zeros.length) view.setUint32(at + 22, 100, true);
    if (signature === 0x02014b50 && view.getUint32(at + 24, true) === zeros.length) view.setUint32(at + 24, 100, true);
  }
  assert.deepEqual(dlp.extractBytes(lying, "bomb.docx", limits), { notInspectable: "too-large" });
  // More entries than a document has.
  const many = {};
  for (let n = 0; n < 10_001; n++) many[`f${n}`] = new Uint8Array(0);
  assert.deepEqual(dlp.extractBytes(zipSync(many), "many.docx"), { notInspectable: "too-large" });
});

test("truncated or damaged archives and XML are corrupt, never clean", () => {
  const whole = docx(["NIR 2 55 08 14 168 025 38"]);
  for (const cut of [whole.length - 1, Math.floor(whole.length / 2), 40, 5]) {
    assert.deepEqual(dlp.extractBytes(whole.subarray(0, cut), "lettre.docx"), { notInspectable: "corrupt" }, `cut at ${cut}`);
  }
  const flipped = whole.slice();
  // The deflated body of word/document.xml, garbled.
  flipped.fill(0xff, 120, 160);
  assert.ok("notInspectable" in dlp.extractBytes(flipped, "lettre.docx"));
  const badXml = zipSync({ "word/document.xml": strToU8("<w:t>open</w:p>") });
  assert.deepEqual(dlp.extractBytes(badXml, "x.docx"), { notInspectable: "corrupt" });
  // Another kind of zip: not a document whose text is read.
  assert.deepEqual(dlp.extractBytes(zipSync({ "a.txt": strToU8("x") }), "a.zip"), { notInspectable: "unsupported-format" });
});

const NIR = "NIR 2 55 08 14 168 025 38";
// The smallest PNG header: the content does not matter, only that a picture is there.
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** `archive` (from docx or odt) with more entries. */
function withEntries(archive, entries) {
  const all = { ...unzipSync(archive), ...entries };
  if ("mimetype" in all) all.mimetype = [all.mimetype, { level: 0 }];
  return zipSync(all);
}

test("DOCX with a picture: its text read, the file not inspectable", () => {
  const extracted = dlp.extractBytes(withEntries(docx([NIR]), { "word/media/image1.png": PNG }), "carte.docx");
  assert.equal(extracted.unread, "images-not-inspected");
  assert.deepEqual(kinds(extracted), ["nir", "email"]);
  for (const name of ["word/glossary/media/image1.jpeg", "word/media/logo.emf"]) {
    assert.equal(dlp.extractBytes(withEntries(docx(["Bonjour"]), { [name]: PNG }), "a.docx").unread, "images-not-inspected", name);
  }
});

test("DOCX with an embedded object or an imported chunk: not inspectable", () => {
  const spreadsheet = zipSync({ "xl/workbook.xml": strToU8("<workbook/>") });
  for (const entries of [{ "word/embeddings/Microsoft_Excel_Worksheet.xlsx": spreadsheet }, { "word/embeddings/oleObject1.bin": new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]), "word/media/image1.emf": PNG }]) {
    const extracted = dlp.extractBytes(withEntries(docx([NIR]), entries), "a.docx");
    assert.equal(extracted.unread, "embedded-objects-not-inspected");
    assert.ok(kinds(extracted).includes("nir"));
  }
  const chunk = zipSync({ "word/document.xml": strToU8('<w:document><w:body><w:p><w:r><w:t>Bonjour</w:t></w:r></w:p><w:altChunk r:id="rId9"/></w:body></w:document>') });
  assert.equal(dlp.extractBytes(chunk, "a.docx").unread, "embedded-objects-not-inspected");
});

test("ODT with pictures or objects: not inspectable; thumbnails and text-only documents are inspected", () => {
  const extracted = dlp.extractBytes(withEntries(odt([NIR]), { "Pictures/a.png": PNG }), "a.odt");
  assert.equal(extracted.unread, "images-not-inspected");
  assert.deepEqual(kinds(extracted), ["nir"]);
  const object = withEntries(odt(["Bonjour"]), { "Object 1/content.xml": strToU8("<office:document-content/>"), "ObjectReplacements/Object 1": PNG });
  assert.equal(dlp.extractBytes(object, "a.odt").unread, "embedded-objects-not-inspected");
  const inlined = odt(["Bonjour<draw:frame><draw:image><office:binary-data>iVBORw0KGgo=</office:binary-data></draw:image></draw:frame>"]);
  assert.equal(dlp.extractBytes(inlined, "a.odt").unread, "images-not-inspected");
  // A thumbnail renders the document's own first page.
  assert.deepEqual(dlp.extractBytes(withEntries(odt(["Bonjour"]), { "Thumbnails/thumbnail.png": PNG }), "a.odt"), { text: "Bonjour\n", format: "odt" });
  assert.equal(dlp.extractBytes(withEntries(docx(["Bonjour"]), { "docProps/thumbnail.jpeg": PNG }), "a.docx").unread, undefined);
  assert.equal(dlp.extractBytes(docx([NIR]), "a.docx").unread, undefined);
});

test("a file read in part counts its findings and as not inspected", async () => {
  const file = (name, bytes) => ({ name, size: bytes.length, bytes: async () => bytes });
  const inspection = await dlp.inspectFiles([file("carte.docx", withEntries(docx([NIR]), { "word/media/image1.png": PNG })), file("clean.odt", odt(["Bonjour"]))]);
  assert.equal(inspection.labels.notInspectable, 1);
  assert.equal(inspection.labels.kinds.get("nir"), 1);
  assert.equal(inspection.files[0].notInspectable, "images-not-inspected");
  assert.deepEqual(
    inspection.files[0].kinds.map((entry) => entry.kind),
    ["nir", "email"],
  );
  assert.equal(inspection.files[1].notInspectable, null);
});

test("plain text: formats by content, encodings as the Rust crate reads them", () => {
  assert.deepEqual(dlp.extractBytes(encode("hello"), "report.pdf"), { text: "hello", format: "text" });
  assert.deepEqual(dlp.extractBytes(encode("a;b\n1;2\n"), "data.CSV"), { text: "a;b\n1;2\n", format: "csv" });
  assert.deepEqual(dlp.extractBytes(new Uint8Array(Buffer.from("\x89PNG\r\n\x1a\nrest", "latin1")), "notes.txt"), { notInspectable: "image" });
  assert.deepEqual(dlp.extractBytes(encode("%PDF-1.4\n..."), "a.pdf"), { notInspectable: "pdf" });
  assert.deepEqual(dlp.extractBytes(new Uint8Array([0, 1, 2, 0x67, 0xff, 0xfe]), "x.pdf"), { notInspectable: "unknown-format" });
  assert.deepEqual(dlp.extractBytes(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "old.doc"), { notInspectable: "unsupported-format" });
  // Windows-1252: "Née le 12/03/1985".
  const latin = new Uint8Array([0x4e, 0xe9, 0x65, 0x20, 0x6c, 0x65, 0x20, ...encode("12/03/1985")]);
  assert.deepEqual(kinds(dlp.extractBytes(latin, "old.txt")), ["birthdate"]);
  // UTF-8 with one stray byte stays UTF-8: the accented words are still read.
  const clean = encode("Née le 12/03/1985, suivie pour une schizophrénie.\n");
  const stray = new Uint8Array([...clean.subarray(0, 4), 0xff, ...clean.subarray(4)]);
  const read = dlp.extractBytes(stray, "notes.txt");
  assert.ok(read.text.includes("schizophrénie"), read.text);
  assert.deepEqual(kinds(read), ["birthdate", "health"]);
  // UTF-16 with its byte-order mark.
  const utf16 = new Uint8Array([0xff, 0xfe, ...[..."NIR 2 55 08 14 168 025 38"].flatMap((c) => [c.charCodeAt(0), 0])]);
  assert.deepEqual(kinds(dlp.extractBytes(utf16, "x.txt")), ["nir"]);
  assert.deepEqual(dlp.extractBytes(encode("hello"), "x.txt", { maxFileBytes: 4, maxPartBytes: 4, maxTextBytes: 4 }), { notInspectable: "too-large" });
});

test("text beyond the size limit is too large whatever its encoding, found without decoding it whole; binary data stays unknown", () => {
  const limits = { maxFileBytes: 1 << 20, maxPartBytes: 1 << 20, maxTextBytes: 8 };
  const extract = (bytes) => dlp.extractBytes(bytes, "x.txt", limits);
  const utf16 = (text) => new Uint8Array([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
  // UTF-8: the limit counts bytes, four-byte characters included.
  assert.deepEqual(extract(encode("12345678")), { text: "12345678", format: "text" });
  assert.deepEqual(extract(encode("123456789")), { notInspectable: "too-large" });
  assert.deepEqual(extract(encode("😀😀")), { text: "😀😀", format: "text" });
  assert.deepEqual(extract(encode("😀😀a")), { notInspectable: "too-large" });
  // UTF-16: more code units than the limit, or few units that grow in UTF-8.
  assert.deepEqual(extract(utf16("123456789")), { notInspectable: "too-large" });
  assert.deepEqual(extract(utf16("éééé")), { text: "éééé", format: "text" });
  assert.deepEqual(extract(utf16("ééééé")), { notInspectable: "too-large" });
  // A lone high surrogate is not UTF-16 text, large or not.
  assert.deepEqual(extract(new Uint8Array([0xff, 0xfe, ...Array(10).fill([0x31, 0]).flat(), 0x00, 0xd8])), { notInspectable: "unknown-format" });
  assert.deepEqual(extract(new Uint8Array([0xff, 0xfe, 0x31, 0, 0x00, 0xd8])), { notInspectable: "unknown-format" });
  // Windows-1252 ("Née le 12/03/1985") is at least as long as its bytes.
  assert.deepEqual(extract(new Uint8Array([0x4e, 0xe9, 0x65, 0x20, 0x6c, 0x65, 0x20, ...encode("12/03/1985")])), { notInspectable: "too-large" });
  assert.deepEqual(kinds(extract(new Uint8Array([0x4e, 0xe9, 0x65, 0x20, 0x31, 0x32]))), []);
  // Binary data is unknown, not merely too large.
  assert.deepEqual(extract(new Uint8Array([0x81, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])), { notInspectable: "unknown-format" });
});

const EXAMPLE = `
version = 3
trust_zone = ["Police-Lyon"]

[default]
external = "warn"

[kinds.nir]
trust_zone = "justify"
external = "block"

[kinds.health]
same_organisation = "warn"

[not_inspectable]
external = "justify"
`;

const labels = (found, notInspectable = 0) => ({ kinds: new Map(found), notInspectable });
const reasons = (decision) => decision.reasons.map(dlp.describeReason);

test("policies: missing destinations inherit [default], files not inspected warn", () => {
  const policy = dlp.parsePolicy(EXAMPLE);
  assert.equal(policy.version, 3);
  assert.equal(dlp.action(policy, "nir", "same_organisation"), "allow");
  assert.equal(dlp.action(policy, "nir", "trust_zone"), "justify");
  assert.equal(dlp.action(policy, "nir", "external"), "block");
  assert.equal(dlp.action(policy, "health", "same_organisation"), "warn");
  assert.equal(dlp.action(policy, "health", "external"), "warn");
  assert.equal(dlp.action(policy, "iban", "trust_zone"), "allow");
  assert.equal(dlp.action(policy, null, "external"), "justify");
  assert.equal(dlp.action(policy, null, "same_organisation"), "warn");
  assert.equal(dlp.destination(policy, "hospital", "Hospital"), "same_organisation");
  assert.equal(dlp.destination(policy, "hospital", "police-lyon"), "trust_zone");
  assert.equal(dlp.destination(policy, "hospital", "bank"), "external");
});

test("decisions: the strictest rule wins and every reason is given, in the Rust crate's order", () => {
  const policy = dlp.parsePolicy(EXAMPLE);
  const found = labels([["email", 1], ["nir", 2]]);
  assert.deepEqual(dlp.decide(policy, found, ["same_organisation"]), { action: "allow", reasons: [] });
  const zone = dlp.decide(policy, found, ["same_organisation", "trust_zone"]);
  assert.equal(zone.action, "justify");
  assert.deepEqual(reasons(zone), ["nir to trust_zone: justify"]);
  const outside = dlp.decide(policy, found, ["external"]);
  assert.equal(outside.action, "block");
  assert.deepEqual(reasons(outside), ["nir to external: block", "email to external: warn"]);
  const unread = dlp.decide(policy, labels([], 1), ["external"]);
  assert.equal(unread.action, "justify");
  assert.deepEqual(reasons(unread), ["not inspectable to external: justify"]);
  assert.equal(dlp.decide(policy, labels([]), ["external"]).action, "allow");
});

test("policies with mistakes are refused, saying what is wrong", () => {
  const refused = (text) => {
    try {
      dlp.parsePolicy(text);
    } catch (error) {
      assert.equal(error.name, "PolicyInvalid");
      return error.message;
    }
    assert.fail(`accepted: ${text}`);
  };
  assert.match(refused('version = 1\n[kinds.nirr]\nexternal = "block"\n'), /nirr/);
  assert.match(refused('version = 1\n[default]\nexternal = "deny"\n'), /default\.external must be/);
  assert.match(refused('version = 1\n[default]\nexternel = "block"\n'), /externel/);
  assert.match(refused("trust_zone = []\n"), /version/);
  assert.match(refused("version = 0\n"), /version must be 1 or more/);
  assert.match(refused("version = -1\n"), /not valid/);
  assert.match(refused('version = 1\ntrust_zone = [""]\n'), /trust_zone/);
  assert.match(refused('version = "1"'), /not valid/);
  assert.match(refused("version = 1.0"), /not valid/);
  assert.match(refused("[[["), /not valid/);
  assert.match(refused('version = 1\nextra = "x"\n'), /extra/);
  assert.match(refused('version = 1\n[kinds]\nnir = "block"\n'), /kinds\.nir must be a table/);
  assert.match(refused("#".repeat(64 * 1024 + 1)), /larger than/);
});

test("the signed bytes of a policy are pli_proto::policy_signed_bytes", () => {
  const bytes = dlp.policySignedBytes("chu", 3, "version = 3\n");
  assert.deepEqual([...bytes], [...Buffer.from("pli-policy-v1\0\0\x03chu\0\0\0\0\0\0\0\x03\0\0\0\x0cversion = 3\n", "latin1")]);
});

test("the page trusts a policy signed by an admin of its organisation with a logged key, never an older one", async () => {
  const { ed25519 } = await import("@noble/curves/ed25519.js");
  const seed = new Uint8Array(32).fill(7);
  const key = Buffer.from(ed25519.getPublicKey(seed)).toString("base64url");
  const signed = (org, version, text, signer = seed) => ({
    org,
    version,
    text,
    signer: "chef@chu.fr",
    signer_role: "admin",
    signature: Buffer.from(ed25519.sign(dlp.policySignedBytes(org, version, text), signer)).toString("base64url"),
    set_at: "2026-11-23T00:00:00Z",
  });
  const entry = { address: "chef@chu.fr", kind: "account", org: "chu", keys: [{ email: "chef@chu.fr", public_keys: { signing_key: key } }] };
  const client = (policy, directory = entry) => ({
    sendingPolicy: async () => policy,
    directory: async () => directory,
  });
  // The audit log as the page's KeyLog: it proves the signer's key, or throws Unproven.
  const proven = [];
  const logged = [];
  const roles = [];
  const log = {
    checkAccount: async (email, shown) => {
      proven.push([email, shown.public_keys.signing_key]);
    },
    checkPolicy: async (served) => {
      logged.push(served);
    },
    checkAdmin: async (org, signer, logIndex) => {
      roles.push([org, signer, logIndex]);
    },
  };
  const unprovenLog = {
    ...log,
    checkAccount: async () => {
      throw new dlp.Unproven("the logged key differs from the one the directory gave");
    },
  };
  // A signer the log does not state as an admin (the server's word on roles is not enough).
  const notAdminLog = {
    ...log,
    checkAdmin: async () => {
      throw new dlp.Unproven("the log states it is agent, not an admin");
    },
  };
  // A version the audit log does not show (or shows otherwise).
  const unloggedLog = {
    ...log,
    checkPolicy: async () => {
      throw new dlp.Unproven("the logged version differs from the one the server gave");
    },
  };
  const fetchPolicy = (client, org, withLog = log) => dlp.fetchPolicy(client, org, withLog);
  const refused = async (promise, reason) => {
    await assert.rejects(promise, (error) => error instanceof dlp.PolicyNotTrusted && error.reason === reason);
  };
  assert.equal(await fetchPolicy(client(null), "chu"), null);
  const v2 = signed("chu", 2, "version = 2\n");
  assert.equal((await fetchPolicy(client({ ...v2, log_index: 17, signer_role_log_index: 4 }), "chu")).policy.version, 2);
  assert.deepEqual(proven, [["chef@chu.fr", key]]);
  // The signer's role is proven in the log at the index the server names.
  assert.deepEqual(roles, [["chu", "chef@chu.fr", 4]]);
  // The version itself is proven in the log: exactly what was served and verified.
  assert.deepEqual(logged, [
    {
      org: "chu",
      version: 2,
      text: "version = 2\n",
      signer: "chef@chu.fr",
      signingKey: new Uint8Array(Buffer.from(key, "base64url")),
      signature: new Uint8Array(Buffer.from(v2.signature, "base64url")),
      logIndex: 17,
    },
  ]);
  await assert.rejects(fetchPolicy(client(v2), "chu", notAdminLog), (error) => error instanceof dlp.PolicyNotTrusted && error.reason === "role_not_logged" && error.detail.signer === "chef@chu.fr");
  await assert.rejects(fetchPolicy(client(v2), "chu", unloggedLog), (error) => error instanceof dlp.PolicyNotTrusted && error.reason === "not_logged" && error.detail.version === 2);
  // A signer that is not (or no longer) an admin, or no longer in the organisation.
  for (const role of ["agent", "auditor", null, undefined]) {
    await assert.rejects(fetchPolicy(client({ ...v2, signer_role: role }), "chu"), (error) => error instanceof dlp.PolicyNotTrusted && error.reason === "signer_not_admin" && error.detail.signer === "chef@chu.fr");
  }
  // A signer's key the audit log does not prove (a server signing with a key of its own).
  await refused(fetchPolicy(client(v2), "chu", unprovenLog), "untrusted");
  // Altered text, another version, another organisation, another signer's key, a signer of another organisation.
  await refused(fetchPolicy(client({ ...v2, text: 'version = 2\n[default]\nexternal = "allow"\n' }), "chu"), "untrusted");
  await refused(fetchPolicy(client({ ...v2, version: 3 }), "chu"), "untrusted");
  await refused(fetchPolicy(client(signed("police", 4, "version = 4\n")), "chu"), "untrusted");
  await refused(fetchPolicy(client(signed("chu", 4, "version = 4\n", new Uint8Array(32).fill(8))), "chu"), "untrusted");
  await refused(fetchPolicy(client(signed("chu", 4, "version = 4\n"), { ...entry, org: "police" }), "chu"), "untrusted");
  // A text stating another version than the signed one.
  await refused(fetchPolicy(client(signed("chu", 5, "version = 6\n")), "chu"), "untrusted");
  // Once version 2 was seen: version 1 is a rollback, no policy a withdrawal.
  await refused(fetchPolicy(client(signed("chu", 1, "version = 1\n")), "chu"), "rolled_back");
  await refused(fetchPolicy(client(null), "chu"), "withdrawn");
  assert.equal((await fetchPolicy(client(signed("chu", 3, "version = 3\n")), "chu")).policy.version, 3);
});
