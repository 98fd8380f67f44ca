// The published site in a real browser (Debian's Chromium driven by playwright-core): the
// sample built with `site-url` and served under a path, `/docs/guide/`, by a host that answers
// an address it has nothing for with the 404 pages (the locale's under a locale's directory,
// else the root's), as GitHub Pages, Azure Static Web Apps and nginx can.
//
// Run by scripts/test: `node --test tests/e2e/publishing.test.mjs`. The site is built into
// target/e2e-publishing; screenshots go to target/e2e-publishing/screenshots.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launchChromium, recordingPage } from "./browser.mjs";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const tools = createRequire(join(root, "tests/tools/package.json"));
const { chromium } = tools("playwright-core");

const out = join(root, "target/e2e-publishing");
const project = join(out, "project");
const html = join(project, "build/html");
const screenshots = join(out, "screenshots");
const PREFIX = "/docs/guide/";
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".xml": "application/xml",
  ".txt": "text/plain",
};

let browser;
let server;
let site; // http://127.0.0.1:PORT/docs/guide/

/** The host: `build/html/` under PREFIX; a missing file gets the nearest 404 page, as 404. */
function host(request, response) {
  const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  if (!path.startsWith(PREFIX)) {
    response.writeHead(404).end();
    return;
  }
  const inside = path.slice(PREFIX.length);
  const file = join(html, inside.endsWith("/") || inside === "" ? `${inside}index.html` : inside);
  if (file.startsWith(html) && existsSync(file) && !file.endsWith("/")) {
    response.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    response.end(readFileSync(file));
    return;
  }
  const locale = inside.split("/")[0];
  const notFound = existsSync(join(html, locale, "404.html")) ? join(html, locale, "404.html") : join(html, "404.html");
  response.writeHead(404, { "content-type": TYPES[".html"] });
  response.end(readFileSync(notFound));
}

before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  for (const name of ["book.toml", "translations.lock", "content", "templates"]) {
    cpSync(join(root, name), join(project, name), { recursive: true });
  }
  server = createServer(host);
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  site = `http://127.0.0.1:${server.address().port}${PREFIX}`;
  const config = readFileSync(join(project, "book.toml"), "utf8");
  writeFileSync(join(project, "book.toml"), config.replace("[output.runbook]\n", `[output.runbook]\nsite-url = "${site}"\n`));
  // RUNBOOK_BIN: a runbook already built (as for search-scale.test.mjs), else `cargo run`.
  const [command, ...first] = process.env.RUNBOOK_BIN ? [process.env.RUNBOOK_BIN] : ["cargo", "run", "--quiet", "--"];
  execFileSync(command, [...first, "build", "--quiet", "--root", project], { cwd: root, stdio: "inherit" });
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A page in a new browser context whose errors fail the test, but for the 404 `expected`. */
function newPage(t, options = {}, expected = null) {
  return recordingPage(browser, t, options, expected);
}

async function searchFor(page, query) {
  await page.locator("#rb-search-input").fill(query);
  await page.locator("#rb-search-results li").first().waitFor();
  return page.locator("#rb-search-results a");
}

describe("language choice at the root", () => {
  test("a Japanese browser goes on to the Japanese guide, once per visit", async (t) => {
    const page = await newPage(t, { locale: "ja-JP" });
    await page.goto(site);
    await page.waitForURL(`${site}ja/index.html`);
    assert.equal(await page.locator("html").getAttribute("lang"), "ja");
    // `#choose` shows the list, even on a first visit.
    const fresh = await page.context().newPage();
    await fresh.goto(`${site}#choose`);
    await fresh.waitForTimeout(300);
    assert.equal(fresh.url(), `${site}#choose`);
    await fresh.close();
    // Back at the root in the same visit: the list, not a loop.
    await page.goto(site);
    await page.locator("main.language-choice").waitFor();
    assert.equal(page.url(), site);
    assert.equal(await page.locator("main.language-choice a[hreflang]").count(), 2);
  });

  test("an English browser goes to English; a language chosen on the site wins next time", async (t) => {
    const page = await newPage(t, { locale: "en-US" });
    await page.goto(site);
    await page.waitForURL(`${site}en/index.html`);
    await page.locator('.languages a[hreflang="ja"]').click();
    await page.waitForURL(`${site}ja/index.html`);
    // A new tab is a new visit: it goes to the language chosen last, not the browser's.
    const again = await page.context().newPage();
    await again.goto(site);
    await again.waitForURL(`${site}ja/index.html`);
  });

  test("from file:// too: a Japanese browser opening the root page lands on the Japanese guide", async (t) => {
    const page = await newPage(t, { locale: "ja-JP" });
    await page.goto(pathToFileURL(join(html, "index.html")).href);
    await page.waitForURL(/\/ja\/index\.html$/);
  });

  test("a browser in a language the site lacks, and one without JavaScript, see the list", async (t) => {
    for (const options of [{ locale: "fr-FR" }, { locale: "ja-JP", javaScriptEnabled: false }]) {
      const page = await newPage(t, options);
      await page.goto(site);
      await page.waitForTimeout(300);
      assert.equal(page.url(), site, JSON.stringify(options));
      assert.equal(await page.locator("main.language-choice a[hreflang]").count(), 2);
    }
  });
});

describe("404 pages", () => {
  for (const [locale, heading, query] of [["en", "Page not found", "escalate"], ["ja", "ページが見つかりません", "正常性"]]) {
    test(`${locale}: in the reader's language at any depth, styled, with home and search that work`, async (t) => {
      const missing = `${site}${locale}/no/such/page.html`;
      const page = await newPage(t, { locale: "en-US" }, missing);
      const response = await page.goto(missing);
      assert.equal(response.status(), 404);
      assert.equal(await page.locator("h1").innerText(), heading);
      assert.equal(await page.locator("html").getAttribute("lang"), locale);
      // The stylesheet loaded through <base>: the header is laid out as on every page.
      const display = await page.locator(".site-header").evaluate((e) => getComputedStyle(e).display);
      assert.equal(display, "flex");
      await page.screenshot({ path: join(screenshots, `404-${locale}.png`), fullPage: true });
      const results = await searchFor(page, query);
      const target = await results.first().getAttribute("href");
      await results.first().click();
      await page.waitForURL((url) => url.href.startsWith(`${site}${locale}/`) && !url.href.includes("no/such"));
      assert.ok(target, "a result with an address");
      await page.goto(missing);
      await page.locator("main a", { hasText: locale === "en" ? "Go to the home page" : "ホーム ページへ移動" }).click();
      await page.waitForURL(`${site}${locale}/index.html`);
    });
  }

  test("the root 404 says so in every language and links each home page", async (t) => {
    const missing = `${site}nowhere.html`;
    const page = await newPage(t, { locale: "en-US" }, missing);
    const response = await page.goto(missing);
    assert.equal(response.status(), 404);
    const text = await page.locator("main").innerText();
    assert.match(text, /Page not found/);
    assert.match(text, /ページが見つかりません/);
    // Not the language choice: it does not go on by itself.
    await page.waitForTimeout(300);
    assert.equal(page.url(), missing);
    await page.locator('main a[hreflang="ja"]').click();
    await page.waitForURL(`${site}ja/index.html`);
  });
});

describe("under a path", () => {
  test("pages, links, search and run mode work under /docs/guide/", async (t) => {
    const page = await newPage(t, { locale: "en-US" });
    await page.goto(`${site}en/index.html`);
    await page.locator("main a", { hasText: "Escalate problems to Microsoft" }).first().click();
    await page.waitForURL(`${site}en/escalate-problems-to-microsoft.html`);
    assert.equal(await page.locator('link[rel="canonical"]').getAttribute("href"), `${site}en/escalate-problems-to-microsoft.html`);
    const alternates = await page.locator('link[rel="alternate"][hreflang]').evaluateAll((links) => links.map((l) => `${l.hreflang} ${l.href}`));
    assert.deepEqual(alternates, [
      `en ${site}en/escalate-problems-to-microsoft.html`,
      `ja ${site}ja/escalate-problems-to-microsoft.html`,
      `x-default ${site}index.html`,
    ]);
    const results = await searchFor(page, "service health");
    await results.first().click();
    await page.waitForURL((url) => url.href.startsWith(`${site}en/`));
    await page.goto(`${site}en/escalate-problems-to-microsoft.html`);
    await page.locator(".run-start").click();
    await page.locator("form.run-fields button[type=submit]").click();
    await page.locator("article.procedure.running").waitFor();
    await page.screenshot({ path: join(screenshots, "run-under-path.png") });
  });

  test("sitemap.xml and robots.txt are served with absolute addresses", async (t) => {
    const page = await newPage(t);
    const sitemap = await (await page.request.get(`${site}sitemap.xml`)).text();
    assert.match(sitemap, new RegExp(`<loc>${site}ja/check-service-health\\.html</loc>`));
    const robots = await (await page.request.get(`${site}robots.txt`)).text();
    assert.match(robots, new RegExp(`Sitemap: ${site}sitemap\\.xml`));
  });
});
