// Search on a large site in a real browser: a generated corpus of RUNBOOK_SEARCH_SCALE_N
// procedures (default 5,000; 10,002 pages per locale) served over HTTP, a reader's first query
// typed into the search box in each locale, and the bytes of every index part the page fetched
// counted. The first query must stay under 300 kB.
//
// Run by scripts/test with RUNBOOK_BIN set to a release build (a debug build takes minutes on a
// corpus this size): `node --test tests/e2e/search-scale.test.mjs`.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchChromium } from "./browser.mjs";
import { serveDirectory } from "./static-server.mjs";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const tools = createRequire(join(root, "tests/tools/package.json"));
const { chromium } = tools("playwright-core");
const procedures = Number(process.env.RUNBOOK_SEARCH_SCALE_N || 5000);
const corpus = join(root, "target/e2e-search-scale", `n${procedures}`);
const html = join(corpus, "build/html");
const FIRST_QUERY_BYTES = 300 * 1024;

let browser;
let server;
let address;

before(async () => {
  rmSync(corpus, { recursive: true, force: true });
  execFileSync("cargo", ["run", "--quiet", "--release", "--no-default-features", "--example", "corpus", "--", String(procedures), corpus], { cwd: root, stdio: "inherit" });
  const runbook = process.env.RUNBOOK_BIN
    ? [process.env.RUNBOOK_BIN]
    : ["cargo", "run", "--quiet", "--release", "--no-default-features", "--"];
  execFileSync(runbook[0], [...runbook.slice(1), "build", "--quiet", "--root", corpus], { cwd: root, stdio: "inherit" });
  browser = await launchChromium(chromium);
  ({ server, address } = await serveDirectory(html));
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Types `query` on the locale's home page in a new browser; returns what the page fetched of
    the index and the results it shows. */
async function firstQuery(lang, query) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const fetched = [];
    page.on("response", async (response) => {
      if (response.url().includes("/search/")) fetched.push(response.body().then((body) => body.length));
    });
    await page.goto(`${address}${lang}/index.html`);
    await page.locator("#rb-search-input").fill(query);
    await page.locator("#rb-search-results li").first().waitFor();
    const results = await page.locator("#rb-search-results a").count();
    const status = await page.locator("#rb-search-status").innerText();
    const sizes = await Promise.all(fetched);
    return { bytes: sizes.reduce((sum, size) => sum + size, 0), files: sizes.length, results, status };
  } finally {
    await context.close();
  }
}

const QUERIES = {
  en: ["escalate", "check", "service health", "outage"],
  ja: ["確認", "正常性", "手順", "エスカレーション"],
};

test(`a first query on ${procedures} procedures fetches under 300 kB of index, in each locale`, async () => {
  const report = [];
  for (const [lang, queries] of Object.entries(QUERIES)) {
    for (const query of queries) {
      const found = await firstQuery(lang, query);
      report.push({ lang, query, ...found });
      assert.ok(found.results > 0, `${lang} "${query}": no results (${found.status})`);
    }
  }
  writeFileSync(join(corpus, "first-queries.json"), JSON.stringify(report, null, 2));
  for (const row of report) console.log(`${row.lang} "${row.query}": ${row.bytes} bytes in ${row.files} files; ${row.status}`);
  const over = report.filter((row) => row.bytes > FIRST_QUERY_BYTES);
  assert.deepEqual(over, [], "first queries over 300 kB");
});
