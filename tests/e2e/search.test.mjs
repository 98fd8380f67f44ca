// The search index in parts against the whole index it replaced: on the sample, on a project
// with text that normalizes irregularly, and on a generated corpus, every query of a large set
// must give the same results, in the same order with the same scores, as the search that read
// the whole index (tests/e2e/reference-search.mjs). Runs site.js itself in Node (no browser):
// the parts are read from the built site as the browser reads them.
//
// Run by scripts/test: `node --test tests/e2e/`. Sites are built into target/e2e-search.

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { referenceSearch } from "./reference-search.mjs";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const out = join(root, "target/e2e-search");

function runbook(...args) {
  execFileSync("cargo", ["run", "--quiet", "--", ...args], { cwd: root, stdio: "inherit" });
}

/** A built site's search, as its own site.js runs it, reading parts from disk. */
function siteSearch(html) {
  const context = vm.createContext({
    document: { readyState: "loading", addEventListener() {} },
  });
  context.self = context;
  vm.runInContext(readFileSync(join(html, "assets/site.js"), "utf8"), context);
  const api = context.runbookSearch;
  let bytes = 0;
  /** Reads part `name` as the browser would run its script. */
  const load = async (name) => {
    const script = readFileSync(join(html, "search", `${name}.js`), "utf8");
    bytes += Buffer.byteLength(script);
    vm.runInContext(script, context);
    return context.runbookSearchIndex[name];
  };
  return {
    api,
    load,
    /** Bytes read since the last call. */
    takeBytes() {
      const taken = bytes;
      bytes = 0;
      return taken;
    },
    /** A fresh index of `lang` (nothing loaded but its table). */
    async index(lang) {
      return new api.Index(lang, await load(lang), load);
    },
  };
}

/** The whole index of `lang` as it was one file: `{pages, sections, terms, words}`. */
async function wholeIndex(search, lang) {
  const table = await search.load(lang);
  const whole = { pages: [], sections: [], terms: {}, words: {} };
  const index = new search.api.Index(lang, table, search.load);
  await index.read(table.t.map((_, i) => `t${i}`));
  for (let i = 0; i < table.t.length; i++) {
    const part = index.parts[`t${i}`];
    for (const [key, entry] of Object.entries(part)) {
      if (entry.d) whole.terms[key] = Array.from(search.api.stemSections(index, key)).sort((a, b) => a - b);
      if (entry.t) whole.terms[key] = Array.from(search.api.postings(entry.t, 0), (p) => p[0]);
      // A pair's sections are those of its counts.
      if (entry.r && Array.from(key).length === 2) whole.terms[key] = Array.from(search.api.postings(entry.r, 1), (p) => p[0]);
      if (entry.v) whole.words[key] = entry.v;
    }
  }
  const starts = new search.api.Index(lang, table, search.load).sectionStarts;
  for (let i = 0; i < starts.length; i++) {
    const part = await search.load(`${lang}/s${i}`);
    for (const [page, info] of Object.entries(part.p)) whole.pages[Number(page)] = info;
    whole.sections.push(...part.s);
  }
  return whole;
}

/** A deterministic pseudo-random sequence (xorshift). */
function random(seed) {
  let state = seed;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

/** Queries drawn from the index's own text: prefixes of its words, stretches of one to eight
    characters of its unspaced runs, and two of those from one section; plus forms a reader
    types. */
function queriesFor(whole, api, count) {
  const pick = random(7);
  const sections = whole.sections
    .map((section) => api.pieces(api.normalize(`${section[2]} ${section[3]}`)))
    .filter((pieces) => pieces.length);
  /** A word's prefix, or a stretch of a run. */
  const part = (piece) => {
    const chars = Array.from(piece.text);
    if (piece.kind === "word") return chars.slice(0, 1 + pick(chars.length)).join("");
    const from = pick(chars.length);
    return chars.slice(from, from + 1 + pick(8)).join("");
  };
  const queries = new Set(["a", "e", "s", "1", "the", "x", "zzzxqv", "ｻｰﾋﾞｽ", "ＡＢＣ", "ﬁle", "サ", "ー", "ーー", "ーーー", "の", "正常", "正常性", "サービス正常性", "𠮷", "𠮷野", "はははは", "ははははは", "ーーーー", "ーーーーー", "サービスサービス", "ﾊﾊﾊﾊ"]);
  for (let tries = 0; queries.size < count && tries < count * 10; tries++) {
    const pieces = sections[pick(sections.length)];
    const first = part(pieces[pick(pieces.length)]);
    queries.add(pick(3) === 0 ? `${first} ${part(pieces[pick(pieces.length)])}` : first);
  }
  return Array.from(queries);
}

/** The parts' results against the reference's, for every query; returns how many were run. */
async function compareAll(html, lang, count) {
  const search = siteSearch(html);
  const whole = await wholeIndex(search, lang);
  const queries = queriesFor(whole, search.api, count);
  const differences = [];
  let withResults = 0;
  for (const query of queries) {
    const expected = referenceSearch(whole, query, search.api);
    // Runs of four or more characters are ranked from positions or from text, whichever costs
    // less to read: both ways are checked.
    const byPositions = await search.index(lang);
    byPositions.sectionPartBytes = Infinity;
    const byText = await search.index(lang);
    byText.sectionPartBytes = 0;
    const found = await search.api.search(byPositions, query);
    const foundByText = await search.api.search(byText, query);
    const shape = (result) =>
      result && {
        results: result.results.map((r) => `${r.id}:${r.score}`),
        prefixes: result.query.prefixes,
        runs: result.query.runs,
        words: Array.from(result.query.words).sort(),
      };
    if (expected && expected.results.length) withResults++;
    try {
      for (const result of [found, foundByText]) {
        assert.deepEqual(JSON.parse(JSON.stringify(shape(result))), JSON.parse(JSON.stringify(shape(expected))));
      }
    } catch {
      differences.push(query);
    }
  }
  assert.deepEqual(differences, [], `${lang}: queries whose results differ from the whole index's`);
  assert.ok(withResults > queries.length / 2, `${lang}: only ${withResults} of ${queries.length} queries found anything`);
  return queries.length;
}

/** Text that normalizing changes in length, case or form, in both languages. */
const ODD_TEXT = `Half-width ﾊﾟｽﾜｰﾄﾞ and ｻｰﾋﾞｽ, full-width ＡＢＣ社, the ﬁle ligature, ½ cup, Straße, ΟΔΟΣ,
㍿ and ㌔, 𠮷野家の牛丼, ーーー and ははは, x² and Ⅻ.

## ﾊﾟｽﾜｰﾄﾞの変更

ｻｰﾋﾞｽ正常性 and サービス正常性 side by side: サービスサービス.

## Repeats

Runs that overlap themselves: はははははは, ーーーーーーー, サービスサービスサービス.

## Half-width repeats

ﾊﾊﾊﾊﾊ
`;

before(() => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  runbook("build", "--quiet", "--out", join(out, "sample"));
  const odd = join(out, "odd");
  cpSync(join(root, "book.toml"), join(odd, "book.toml"));
  cpSync(join(root, "content"), join(odd, "content"), { recursive: true });
  writeFileSync(join(odd, "content/odd-text.md"), `---\ntitle: Odd ＴＥＸＴ ﾃｷｽﾄ\n---\n\n${ODD_TEXT}`);
  writeFileSync(join(odd, "content/odd-text.ja.md"), `---\ntitle: 変わったﾃｷｽﾄ\n---\n\n${ODD_TEXT}`);
  runbook("build", "--quiet", "--root", odd, "--out", join(odd, "build"));
  const corpus = join(out, "corpus");
  execFileSync("cargo", ["run", "--quiet", "--example", "corpus", "--", "60", corpus], { cwd: root, stdio: "inherit" });
  runbook("build", "--quiet", "--root", corpus, "--out", join(corpus, "build"));
});

describe("search in parts gives the whole index's results", () => {
  for (const lang of ["en", "ja"]) {
    test(`sample, ${lang}`, async () => {
      await compareAll(join(out, "sample/html"), lang, 600);
    });
    test(`text that normalizes irregularly, ${lang}`, async () => {
      await compareAll(join(out, "odd/build/html"), lang, 600);
    });
    test(`generated corpus, ${lang}`, async () => {
      await compareAll(join(out, "corpus/build/html"), lang, 1500);
    });
  }
});

describe("search reads only the parts a query needs", () => {
  test("a word query reads a fraction of the index", async () => {
    const html = join(out, "corpus/build/html");
    for (const [lang, query] of [["en", "escalate"], ["ja", "正常性"], ["ja", "エスカレーション"]]) {
      const search = siteSearch(html);
      const index = await search.index(lang);
      const found = await search.api.search(index, query);
      await index.sections(found.results.slice(0, 10).map((r) => r.id));
      const read = search.takeBytes();
      const whole = siteSearch(html);
      await wholeIndex(whole, lang);
      const all = whole.takeBytes();
      assert.ok(found.results.length > 0, `${lang} ${query}: no results`);
      assert.ok(read < all / 2, `${lang} ${query}: read ${read} of ${all} bytes`);
    }
  });
});
