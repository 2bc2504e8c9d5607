// The TypeScript detectors (web/src/dlp) against the shared vectors of the pli-dlp crate: every
// case, the same findings, offsets and excerpts as crates/dlp/tests/it/vectors.rs demands of the
// Rust crate; and the labelled corpus, whose counts per kind must equal `pli scan --json`'s.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadModule, pli, root, tempDir } from "./pli.mjs";

let dlp;

before(async () => {
  dlp = await loadModule("src/dlp/index.ts");
});

const vectors = JSON.parse(readFileSync(join(root, "crates", "dlp", "tests", "vectors", "detectors.json"), "utf8"));

test("every shared vector finds exactly what it expects", () => {
  const cases = vectors.cases;
  assert.ok(cases.length >= 50, `${cases.length} cases`);
  const failures = [];
  for (const vector of cases) {
    const bytes = new TextEncoder().encode(vector.text);
    for (const wanted of vector.expect) {
      assert.equal(new TextDecoder().decode(bytes.subarray(wanted.start, wanted.end)), wanted.match, `${vector.name}: offsets and match disagree`);
    }
    const found = dlp.scanText(vector.text);
    const spans = found.map((finding) => [finding.kind, finding.start, finding.end]);
    const expected = vector.expect.map((wanted) => [wanted.kind, wanted.start, wanted.end]);
    if (JSON.stringify(spans) !== JSON.stringify(expected)) {
      failures.push(`${vector.name}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(spans)}`);
      continue;
    }
    vector.expect.forEach((wanted, index) => {
      if (wanted.excerpt !== undefined && found[index].excerpt !== wanted.excerpt) failures.push(`${vector.name}: excerpt ${found[index].excerpt}, expected ${wanted.excerpt}`);
    });
    for (const finding of found) {
      const matched = new TextDecoder().decode(bytes.subarray(finding.start, finding.end));
      if (finding.excerpt === matched || !finding.excerpt.includes("*")) failures.push(`${vector.name}: the excerpt holds the value`);
      if (!(finding.confidence >= 0 && finding.confidence <= 1)) failures.push(`${vector.name}: confidence ${finding.confidence}`);
    }
  }
  assert.deepEqual(failures, []);
});

test("every kind has a positive vector", () => {
  for (const kind of dlp.KINDS) {
    assert.ok(
      vectors.cases.some((vector) => vector.expect.some((wanted) => wanted.kind === kind)),
      `no vector finds ${kind}`,
    );
  }
});

test("the labelled corpus: the same findings as `pli scan --json`, document by document", () => {
  const documents = readFileSync(join(root, "crates", "dlp", "tests", "corpus", "documents.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
  assert.ok(documents.length >= 500);
  const dir = tempDir("corpus");
  try {
    const files = documents.map((document, index) => {
      const file = join(dir, `${String(index).padStart(4, "0")}.txt`);
      writeFileSync(file, document.text);
      return file;
    });
    const reference = new Map();
    // In batches: a command line has a length limit.
    for (let at = 0; at < files.length; at += 200) {
      for (const line of pli(["scan", "--json", ...files.slice(at, at + 200)]).split("\n")) {
        const report = JSON.parse(line);
        reference.set(report.file, report.findings);
      }
    }
    const rustCounts = {};
    const tsCounts = {};
    const differences = [];
    documents.forEach((document, index) => {
      const rust = reference.get(files[index]);
      assert.ok(rust !== undefined, `no report for ${document.id}`);
      const ts = dlp.scanText(document.text);
      for (const finding of rust) rustCounts[finding.kind] = (rustCounts[finding.kind] ?? 0) + 1;
      for (const finding of ts) tsCounts[finding.kind] = (tsCounts[finding.kind] ?? 0) + 1;
      const shown = (findings) => JSON.stringify(findings.map((finding) => [finding.kind, finding.start, finding.end, finding.excerpt]));
      if (shown(rust) !== shown(ts)) differences.push(`${document.id}: Rust ${shown(rust)}, TypeScript ${shown(ts)}`);
    });
    assert.deepEqual(tsCounts, rustCounts);
    assert.deepEqual(differences.slice(0, 10), []);
    for (const kind of dlp.KINDS) assert.ok((rustCounts[kind] ?? 0) > 0, `the corpus finds no ${kind}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("long chains of overlapping numbers: the same findings as `pli scan --json`", () => {
  // One cluster of thousands of overlapping candidates each, resolved beyond the linear
  // comparison's size on both sides.
  const texts = [
    "06 ".repeat(20_000),
    "06 12 34 ".repeat(5_000),
    "01.".repeat(10_000),
    `Tél. ${"01 ".repeat(40)}4111 1111 1111 1111 ${"06 ".repeat(40)}`,
  ];
  const dir = tempDir("chains");
  try {
    const files = texts.map((text, index) => {
      const file = join(dir, `${index}.txt`);
      writeFileSync(file, text);
      return file;
    });
    const reports = pli(["scan", "--json", ...files]).split("\n").map((line) => JSON.parse(line));
    texts.forEach((text, index) => {
      const rust = reports.find((report) => report.file === files[index]);
      assert.ok(rust !== undefined, `no report for text ${index}`);
      const spans = (findings) => findings.map((finding) => [finding.kind, finding.start, finding.end]);
      const ts = dlp.scanText(text);
      assert.ok(ts.length > 10, `text ${index}: ${ts.length} findings`);
      assert.deepEqual(spans(ts), spans(rust.findings), `text ${index}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
