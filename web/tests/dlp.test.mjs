// The TypeScript detectors (web/src/dlp) against the shared vectors of the pli-dlp crate: every
// case, the same findings, offsets and excerpts as crates/dlp/tests/it/vectors.rs demands of the
// Rust crate; and the labelled corpus, whose counts per kind must equal `pli scan --json`'s.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadModule, root } from "./pli.mjs";

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
