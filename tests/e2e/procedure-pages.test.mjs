// Procedure pages in a real browser (tests/fixtures/procedure-pages): how-to pages whose numbered
// lists are run in the page, keyboard only, in both languages; the downloaded record accepted by
// `runbook record check`; one run panel per list on a page of several; axe and 360 px on every
// page and checklist. Screenshots go to target/e2e/screenshots.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { axeViolations, launchChromium, recordingPage } from "./browser.mjs";
import { serveDirectory } from "./static-server.mjs";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const tools = createRequire(join(root, "tests/tools/package.json"));
const { chromium } = tools("playwright-core");
const axeSource = readFileSync(tools.resolve("axe-core/axe.min.js"), "utf8");

const fixture = "tests/fixtures/procedure-pages";
const out = join(root, "target/e2e-procedure-pages");
const site = join(out, "site");
const screenshots = join(root, "target/e2e/screenshots");

let browser;
let server;
let httpRoot;

const runbook = (...args) =>
  execFileSync("cargo", ["run", "--quiet", "--", "--root", fixture, ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  runbook("build", "--quiet", "--out", site);
  browser = await launchChromium(chromium);
  let address;
  ({ server, address } = await serveDirectory(out));
  httpRoot = `${address}site/html/`;
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A page at a fixed time that accepts confirmations, at `path` of the site over HTTP. */
async function open(t, path, options = {}) {
  const page = await recordingPage(browser, t, { timezoneId: "Asia/Tokyo", ...options });
  await page.clock.setFixedTime(new Date("2026-12-08T10:00:00+09:00"));
  page.on("dialog", (dialog) => dialog.accept());
  await page.goto(`${httpRoot}${path}`);
  return page;
}

/** Presses Tab until the focused element matches `selector`; fails after `limit` presses. */
async function tabTo(page, selector, limit = 30) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

const violations = (page) => axeViolations(page, axeSource);

describe("run mode on a procedure page", () => {
  for (const [locale, first, done] of [
    ["en", /Now at step 1: Sign in to the admin portal and select Customers\./, /The procedure is complete/],
    ["ja", /現在の手順は 1「管理ポータルにサインインし、顧客 を選択します。」です|現在の手順は 1「管理ポータルにサインインし、\[顧客\] を選択します。」です/, /手順が完了しました/],
  ]) {
    test(`keyboard only from start to the downloaded record, which record check accepts (${locale})`, async (t) => {
      const page = await open(t, `${locale}/reset-password.html`);
      const section = page.locator("section.page-procedure");
      assert.equal(await section.count(), 1);
      await page.locator(".run-start").focus();
      await page.keyboard.press("Enter");
      await page.keyboard.type("T-42");
      await tabTo(page, "form.run-fields button[type=submit]");
      await page.keyboard.press("Enter");
      await page.locator("section.page-procedure.running").waitFor();
      const focusedStep = () => page.evaluate(() => document.activeElement.closest("li.step")?.id);
      assert.equal(await focusedStep(), "step-1");
      assert.match(await page.locator(".run-status").innerText(), first);
      for (const next of ["step-2", "step-3", "step-4", null]) {
        await tabTo(page, "li.step.run-current .run-mark-done");
        await page.keyboard.press("Enter");
        if (next) assert.equal(await focusedStep(), next);
      }
      assert.equal(await page.evaluate(() => document.activeElement.matches(".run-finish")), true, "at the end, focus on Finish");
      assert.match(await page.locator(".run-status").innerText(), done);
      await page.keyboard.press("Enter");
      await page.screenshot({ path: join(screenshots, `procedure-page-run-${locale}.png`), fullPage: true });
      await tabTo(page, ".run-download");
      const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
      const json = join(out, `run-${locale}.json`);
      await download.saveAs(json);
      const record = JSON.parse(readFileSync(json, "utf8"));
      assert.equal(record.procedure, "reset-password");
      assert.equal(record.locale, locale);
      assert.deepEqual(record.path.map((e) => e.step), ["step-1", "step-2", "step-3", "step-4"]);
      assert.equal(record.fields.customer, "T-42");
      runbook("record", "check", json);
      const markdown = runbook("record", "render", json);
      assert.match(markdown, /T-42/);
    });
  }

  test("a page of several lists has a run panel per list, and a run of one leaves the other alone", async (t) => {
    const page = await open(t, "en/manage-users.html");
    const sections = page.locator("section.page-procedure");
    assert.equal(await sections.count(), 2);
    const second = sections.nth(1);
    await second.locator(".run-start").click();
    await second.locator("form.run-fields button[type=submit]").click();
    await page.locator("section.page-procedure.running").waitFor();
    assert.equal(await page.locator("section.page-procedure.running").getAttribute("data-procedure"), "manage-users#steps-remove-a-user");
    assert.equal(await page.locator("li.step.run-current").getAttribute("id"), "remove-a-user-step-1");
    await second.locator("li.step.run-current .run-mark-done").click();
    assert.equal(await page.locator("li.step.run-current").getAttribute("id"), "remove-a-user-step-2");
    assert.equal(await sections.nth(0).locator("li.step.run-done").count(), 0);
    // The home page lists the run and leads back to its list's section.
    await page.goto(`${httpRoot}en/index.html`);
    const resume = page.locator(".run-home .run-resume").first();
    assert.equal(await resume.getAttribute("href"), "manage-users.html#steps-remove-a-user");
  });
});

describe("procedure pages as a reader sees them", () => {
  test("search finds a page's step and lands on it, in both languages", async (t) => {
    for (const [locale, query, step] of [["en", "temporary password", "step-3"], ["ja", "一時パスワード", "step-3"]]) {
      const page = await open(t, `${locale}/index.html`);
      await page.locator("#rb-search-input").fill(query);
      await page.locator("#rb-search-results li").first().waitFor();
      const hrefs = await page.locator("#rb-search-results a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      assert.ok(hrefs.includes(`reset-password.html#${step}`), `${locale}: ${hrefs.join(" ")}`);
    }
  });

  const pages = () =>
    readdirSync(join(site, "html"), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith(".html") && !e.name.startsWith("404"))
      .map((e) => relative(join(site, "html"), join(e.parentPath, e.name)))
      .filter((p) => p.startsWith("en/") || p.startsWith("ja/"))
      .sort();

  test("axe finds no serious or critical violation, before and during a run", async (t) => {
    const page = await open(t, "en/index.html");
    const problems = [];
    const files = pages();
    assert.ok(files.some((f) => f.includes("checklists/manage-users/")), files.join(" "));
    for (const file of files) {
      await page.goto(`${httpRoot}${file}`);
      for (const v of await violations(page)) problems.push(`${file}: ${v}`);
    }
    await page.goto(`${httpRoot}ja/manage-users.html`);
    await page.locator(".run-start").first().click();
    await page.locator("form.run-fields button[type=submit]").first().click();
    await page.locator("section.page-procedure.running").waitFor();
    for (const v of await violations(page)) problems.push(`ja/manage-users.html running: ${v}`);
    assert.deepEqual(problems, []);
  });

  test("no page or checklist is wider than a 360 px phone, in run mode too", async (t) => {
    const page = await open(t, "en/index.html", { viewport: { width: 360, height: 740 } });
    const problems = [];
    for (const file of pages()) {
      await page.goto(`${httpRoot}${file}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 360) problems.push(`${file}: ${width} px`);
    }
    for (const locale of ["en", "ja"]) {
      // A new browser context each: a run kept in one would be resumed in the other.
      const page = await open(t, `${locale}/reset-password.html`, { viewport: { width: 360, height: 740 } });
      await page.locator(".run-start").click();
      await page.locator("form.run-fields button[type=submit]").click();
      await page.locator("section.page-procedure.running").waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 360) problems.push(`${locale} run: ${width} px`);
      await page.screenshot({ path: join(screenshots, `procedure-page-360-${locale}.png`), fullPage: true });
    }
    assert.deepEqual(problems, []);
  });
});
