// The table of contents in a real browser (tests/fixtures/docfx, which has a toc.yml): each page
// carries its own branch, the site's script unfolds the whole table from the locale's toc.js
// with only the current branch open, the fold buttons work by keyboard, and the contents page
// lists it all for readers without the script. axe and 320 px on the pages it touches.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { axeViolations, launchChromium, recordingPage } from "./browser.mjs";
import { serveDirectory } from "./static-server.mjs";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const tools = createRequire(join(root, "tests/tools/package.json"));
const { chromium } = tools("playwright-core");
const axeSource = readFileSync(tools.resolve("axe-core/axe.min.js"), "utf8");

const fixture = "tests/fixtures/docfx";
const out = join(root, "target/e2e-contents");
const site = join(out, "site");
const screenshots = join(root, "target/e2e/screenshots");

let browser;
let server;
let httpRoot;

before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  execFileSync("cargo", ["run", "--quiet", "--", "--root", fixture, "build", "--quiet", "--out", site], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  browser = await launchChromium(chromium);
  let address;
  ({ server, address } = await serveDirectory(out));
  httpRoot = `${address}site/html/`;
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(t, path, options = {}) {
  const page = await recordingPage(browser, t, options);
  await page.goto(`${httpRoot}${path}`);
  return page;
}

/** The sidebar's entries: title, whether shown, the fold state of the entry's button if any. */
function entries(page) {
  return page.$$eval(".sidebar ul.toc li", (items) =>
    items.map((li) => {
      const label = li.querySelector(":scope > a, :scope > span");
      const button = li.querySelector(":scope > .toc-toggle");
      return {
        title: label.textContent,
        shown: label.offsetParent !== null,
        expanded: button ? button.getAttribute("aria-expanded") : null,
        current: label.getAttribute("aria-current"),
      };
    }),
  );
}

describe("table of contents", () => {
  test("the script shows the whole table, only the current branch unfolded", async (t) => {
    const page = await open(t, "en/check-service-health.html");
    const shown = await entries(page);
    const byTitle = Object.fromEntries(shown.map((e) => [e.title, e]));
    // toc.js has every entry; the page's own HTML had only its branch.
    assert.ok(byTitle["Escalate to the vendor"], JSON.stringify(shown));
    assert.equal(byTitle["Escalate to the vendor"].shown, false, "a folded branch is hidden");
    assert.equal(byTitle["Escalations"].expanded, "false");
    assert.equal(byTitle["Check service health"].current, "page");
    assert.deepEqual(await axeViolations(page, axeSource), []);

    const onBranch = await open(t, "en/escalate-to-vendor.html");
    const inBranch = Object.fromEntries((await entries(onBranch)).map((e) => [e.title, e]));
    assert.equal(inBranch["Escalations"].expanded, "true", "the current page's branch is open");
    assert.equal(inBranch["Escalate to the vendor"].shown, true);
    assert.equal(inBranch["Escalate to the vendor"].current, "page");
    await onBranch.screenshot({ path: join(screenshots, "contents-en.png") });
  });

  test("a fold button opens and closes its branch by keyboard, and a group's name does too", async (t) => {
    const page = await open(t, "ja/check-service-health.html");
    const button = page.locator(".sidebar .toc-toggle").first();
    assert.equal(await button.getAttribute("aria-label"), "「Escalations」の項目");
    await button.focus();
    await page.keyboard.press("Enter");
    assert.equal(await button.getAttribute("aria-expanded"), "true");
    assert.equal(await page.locator(".sidebar a[href='escalation-checklist.html']").isVisible(), true);
    assert.deepEqual(await axeViolations(page, axeSource), [], "unfolded");
    await page.keyboard.press("Space");
    assert.equal(await button.getAttribute("aria-expanded"), "false");
    await page.locator(".sidebar .toc-branch > .toc-group").first().click();
    assert.equal(await button.getAttribute("aria-expanded"), "true");
    // The language link and search still work beside it.
    await page.locator(".languages a[hreflang='en']").click();
    await page.waitForURL(/\/en\/check-service-health\.html/);
    await page.fill("#rb-search-input", "vendor");
    await page.locator("#rb-search-results li").first().waitFor();
  });

  test("without the script a page shows its branch and links to the contents page", async (t) => {
    const page = await open(t, "en/escalate-to-vendor.html", { javaScriptEnabled: false });
    const sidebar = await page.locator(".sidebar").innerText();
    assert.match(sidebar, /Escalate to the vendor/);
    assert.match(sidebar, /Check service health/);
    await page.locator(".toc-all a").click();
    await page.waitForURL(/\/en\/contents\.html/);
    const listed = await page.locator("main .toc-full a").allTextContents();
    for (const title of ["Escalation checklist", "Escalate to the vendor", "Check service health", "Vendor status site"]) {
      assert.ok(listed.includes(title), `${title} in ${listed}`);
    }
  });

  for (const width of [320, 360]) {
    test(`no page with the table is wider than ${width} px`, async (t) => {
      for (const path of ["en/escalate-to-vendor.html", "ja/contents.html"]) {
        const page = await open(t, path, { viewport: { width, height: 800 } });
        await page.locator("summary").first().click();
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scroll <= width, `${path} is ${scroll} px wide`);
        assert.deepEqual(await axeViolations(page, axeSource), [], path);
      }
    });
  }
});
