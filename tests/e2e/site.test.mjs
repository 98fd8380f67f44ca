// End-to-end tests of the built sample site in a real browser: Debian's Chromium driven by
// playwright-core (never a downloaded browser), with axe-core for accessibility.
//
// Run by scripts/test after `cargo test`: `node --test tests/e2e/`. The site is built from the
// sample content into target/e2e/site; screenshots go to target/e2e/screenshots.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { axeViolations, launchChromium, recordingPage } from "./browser.mjs";
import { serveDirectory } from "./static-server.mjs";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const tools = createRequire(join(root, "tests/tools/package.json"));
const { chromium } = tools("playwright-core");
const axeSource = readFileSync(tools.resolve("axe-core/axe.min.js"), "utf8");

const out = join(root, "target/e2e");
const site = join(out, "site");
const html = join(site, "html");
const screenshots = join(out, "screenshots");

let browser;
let server;
let httpRoot;

/** A new page that records script errors and policy violations, which fail the test. */
function newPage(t, options = {}) {
  return recordingPage(browser, t, options);
}

/** The file:// address of `path` in the HTML output, with `#fragment` kept. */
function fileUrl(path) {
  const [file, fragment] = path.split("#");
  return pathToFileURL(join(html, file)).href + (fragment === undefined ? "" : `#${fragment}`);
}

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".html"))
    .map((entry) => relative(html, join(entry.parentPath, entry.name)))
    .sort();
}

before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  execFileSync("cargo", ["run", "--quiet", "--", "build", "--quiet", "--out", relative(root, site)], {
    cwd: root,
    stdio: "inherit",
  });
  browser = await launchChromium(chromium);
  // A static host: the output served as files over HTTP on loopback.
  let address;
  ({ server, address } = await serveDirectory(out));
  httpRoot = `${address}site/html/`;
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Types `query` into the search box and waits for the results. */
async function searchFor(page, query) {
  await page.locator("#rb-search-input").fill(query);
  await page.locator("#rb-search-results li").first().waitFor();
  return page.locator("#rb-search-results a");
}

/** Whether the element at the URL's fragment is in the viewport. */
async function targetInView(page) {
  return page.evaluate(() => {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return false;
    const box = target.getBoundingClientRect();
    // Scrolled to the top, give or take a fraction of a pixel.
    return box.top > -1 && box.top < innerHeight;
  });
}

describe("search", () => {
  test("「正常性」 on the Japanese site finds the service-health page, from file://", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("ja/index.html"));
    const results = await searchFor(page, "正常性");
    const first = results.first();
    assert.match(await first.locator(".result-title").innerText(), /サービスの正常性を確認する/);
    const marks = await page.locator("#rb-search-results mark").allInnerTexts();
    assert.ok(marks.length > 0 && marks.every((m) => m === "正常性"), `marks: ${marks}`);
    assert.match(await page.locator("#rb-search-status").innerText(), /検索結果: \d+ 件/);
    await first.click();
    await page.waitForURL(/\/ja\/check-service-health\.html/);
    assert.equal(await page.locator("h1").innerText(), "サービスの正常性を確認する");
  });

  test("Japanese words inside unspaced text are found, and a step's result lands on it", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("ja/check-service-health.html"));
    const results = await searchFor(page, "サポート リクエスト");
    const step = results.filter({ hasText: "手順" }).first();
    const marks = await step.locator("mark").allInnerTexts();
    assert.ok(marks.includes("サポート") && marks.includes("リクエスト"), `marks: ${marks}`);
    const href = await step.getAttribute("href");
    assert.match(href, /^escalate-problems-to-microsoft\.html#[a-z-]+$/);
    await step.click();
    await page.waitForURL(new RegExp(`${href.replace(".", "\\.")}$`));
    assert.ok(await targetInView(page), "the step is in view");
  });

  test("a word form not in the text finds its stem; results close when focus moves on", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("en/index.html"));
    const results = await searchFor(page, "escalated");
    const titles = await results.locator(".result-title").allInnerTexts();
    assert.ok(titles.some((title) => title.startsWith("Escalate problems to Microsoft")), `titles: ${titles}`);
    await page.locator("main a").first().focus();
    // Past the typing pause too: a late search must not reopen them.
    await page.waitForTimeout(200);
    assert.equal(await page.locator("#rb-search-results").isHidden(), true);
  });

  test("the browser cuts text as the index does (Rust and site.js agree)", async (t) => {
    const page = await newPage(t);
    for (const locale of ["en", "ja"]) {
      await page.goto(fileUrl(`${locale}/index.html`));
      await searchFor(page, locale === "ja" ? "正常性" : "escalate");
      const problems = await page.evaluate(async (lang) => {
        const { normalize, pieces, pairs, postings } = self.runbookSearch;
        // Every part of the index, loaded as the site's script loads one.
        const base = document.getElementById("rb-search").getAttribute("data-index").replace(/[^/]*$/, "");
        const part = async (name) =>
          self.runbookSearchIndex[name] ||
          new Promise((resolve, reject) => {
            const script = document.createElement("script");
            script.src = `${base}${name}.js`;
            script.onload = () => resolve(self.runbookSearchIndex[name]);
            script.onerror = reject;
            document.head.appendChild(script);
          });
        const table = self.runbookSearchIndex[lang];
        const terms = {};
        const words = {};
        const index = new self.runbookSearch.Index(lang, table, part);
        await index.read(table.t.map((_, i) => `t${i}`));
        for (let i = 0; i < table.t.length; i++) {
          for (const [key, entry] of Object.entries(index.parts[`t${i}`])) {
            if (entry.d) terms[key] = self.runbookSearch.stemSections(index, key);
            if (entry.t) terms[key] = postings(entry.t, 0).map((posting) => posting[0]);
            if (entry.r && Array.from(key).length === 2) terms[key] = postings(entry.r, 1).map((posting) => posting[0]);
            if (entry.v) words[key] = entry.v;
          }
        }
        const sections = [];
        const starts = new self.runbookSearch.Index(lang, table, null).sectionStarts;
        for (let i = 0; i < starts.length; i++) sections.push(...(await part(`${lang}/s${i}`)).s);
        const has = (term, id) => Object.hasOwn(terms, term) && terms[term].includes(id);
        const found = [];
        sections.forEach((section, id) => {
          for (const piece of pieces(normalize(`${section[2]} ${section[3]}`))) {
            if (piece.kind === "unspaced") {
              for (const pair of pairs(piece.text)) if (!has(pair, id)) found.push(`${id}: ${pair}`);
            } else {
              const stems = Object.keys(words).filter((stem) => words[stem].includes(piece.text));
              if (!has(piece.text, id) && !stems.some((stem) => has(stem, id))) found.push(`${id}: ${piece.text}`);
            }
          }
        });
        return sections.length ? found : ["no sections"];
      }, locale);
      assert.deepEqual(problems, [], `${locale}: pieces the index does not hold`);
    }
  });

  test('"escalate" on the English site finds the procedure, by keyboard, over HTTP', async (t) => {
    const page = await newPage(t);
    await page.goto(`${httpRoot}en/check-service-health.html`);
    const results = await searchFor(page, "escalate");
    const titles = await results.locator(".result-title").allInnerTexts();
    const procedure = titles.findIndex((title) => title.startsWith("Escalate problems to Microsoft"));
    assert.ok(procedure >= 0, `titles: ${titles}`);
    // Stemming: "escalation" and "escalating" are found by "escalate" too.
    const marked = await page.locator("#rb-search-results mark").allInnerTexts();
    assert.ok(marked.some((m) => /^escalat(ion|ing|ed)$/i.test(m)), `marked: ${marked}`);
    // Keyboard: arrow down into the results, then Enter follows the focused one.
    await page.locator("#rb-search-input").focus();
    for (let i = 0; i <= procedure; i++) await page.keyboard.press("ArrowDown");
    const href = await page.evaluate(() => document.activeElement.getAttribute("href"));
    assert.match(href, /^escalate-problems-to-microsoft\.html/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/en\/escalate-problems-to-microsoft\.html/);
    if (href.includes("#")) {
      assert.ok(await targetInView(page), "the result's anchor is in view");
    } else {
      assert.equal(await page.locator("h1").innerText(), "Escalate problems to Microsoft");
    }
  });

  test("a result for a step lands on that step", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("en/index.html"));
    const results = await searchFor(page, "close the loop");
    const link = results.filter({ hasText: "Close the loop" }).first();
    assert.match(await link.getAttribute("href"), /escalate-problems-to-microsoft\.html#close-the-loop$/);
    await link.click();
    await page.waitForURL(/#close-the-loop$/);
    assert.ok(await targetInView(page), "the step is in view");
  });

  test("an index that cannot be loaded is reported, not a silent empty box", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.route("**/search/*.js", (route) => route.abort());
      await page.goto(`${httpRoot}en/index.html`);
      await page.locator("#rb-search-input").fill("escalate");
      await page.locator("#rb-search-results .no-results").waitFor();
      assert.match(await page.locator("#rb-search-status").innerText(), /Search is unavailable/);
    } finally {
      await context.close();
    }
  });

  test("no match says so; Escape clears", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("en/index.html"));
    await page.locator("#rb-search-input").fill("zzzxqv");
    await page.locator("#rb-search-results .no-results").waitFor();
    assert.equal(await page.locator("#rb-search-status").innerText(), "No results");
    await page.keyboard.press("Escape");
    assert.equal(await page.locator("#rb-search-input").inputValue(), "");
    assert.equal(await page.locator("#rb-search-results").isHidden(), true);
  });
});

describe("navigation", () => {
  test("the language switcher lands on the same page and keeps the step, by keyboard", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("en/escalate-problems-to-microsoft.html#submit-request"));
    const japanese = page.locator('.languages a[hreflang="ja"]');
    await japanese.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/ja\/escalate-problems-to-microsoft\.html#submit-request$/);
    assert.equal(await page.locator("html").getAttribute("lang"), "ja");
    assert.ok(await targetInView(page), "the same step is in view");
    await page.locator('.languages a[hreflang="en"]').click();
    await page.waitForURL(/\/en\/escalate-problems-to-microsoft\.html#submit-request$/);
  });

  test("a cross-link in a procedure leads to its page", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("en/escalate-problems-to-microsoft.html"));
    await page.locator('main a[href="check-service-health.html"]').first().click();
    await page.waitForURL(/\/en\/check-service-health\.html$/);
    assert.equal(await page.locator("h1").innerText(), "Check service health");
  });

  test("the skip link is the first stop and shows when focused; landmarks", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("en/check-service-health.html"));
    for (const [role, name] of [["banner"], ["search"], ["navigation", "Language"], ["navigation", "Contents"], ["main"]]) {
      const landmark = page.getByRole(role, name ? { name } : {});
      assert.equal(await landmark.count(), 1, `one ${role} ${name || ""}`);
    }
    await page.keyboard.press("Tab");
    const skip = page.locator(".skip-link");
    assert.equal(await skip.evaluate((a) => a === document.activeElement), true);
    const box = await skip.boundingBox();
    assert.ok(box && box.x >= 0 && box.y >= 0, "visible when focused");
    // Then the search box, with a visible focus outline.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement);
      return [document.activeElement.id, style.outlineStyle, style.outlineWidth];
    });
    assert.deepEqual(outline, ["rb-search-input", "solid", "3px"]);
  });
});

describe("accessibility", () => {
  /** axe's serious and critical violations on `page`, as "rule: target" lines. */
  const violations = (page) => axeViolations(page, axeSource);

  for (const scheme of ["light", "dark"]) {
    test(`axe finds no serious or critical violation on any page (${scheme})`, async (t) => {
      const page = await newPage(t, { colorScheme: scheme });
      const files = [...htmlFiles(html), "../review/ja.html"];
      assert.ok(files.length >= 20, `pages: ${files}`);
      const problems = [];
      for (const file of files) {
        // Over HTTP: axe reads stylesheets, which a file:// page may not do.
        await page.goto(new URL(file, httpRoot).href);
        // Search results are part of the page: show some before checking.
        if (file.match(/^(en|ja)\/(index|check-service-health)\.html$/)) {
          await searchFor(page, file.startsWith("ja") ? "正常性" : "service");
        }
        for (const v of await violations(page)) problems.push(`${file}: ${v}`);
        const h1 = await page.locator("h1").count();
        if (h1 !== 1) problems.push(`${file}: ${h1} h1 elements`);
      }
      assert.deepEqual(problems, []);
    });
  }

  test("the dark scheme follows the system setting", async (t) => {
    const light = await newPage(t, { colorScheme: "light" });
    const dark = await newPage(t, { colorScheme: "dark" });
    const background = (page) =>
      page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await light.goto(fileUrl("en/index.html"));
    await dark.goto(fileUrl("en/index.html"));
    assert.equal(await background(light), "rgb(255, 255, 255)");
    assert.equal(await background(dark), "rgb(13, 17, 23)");
  });
});

describe("layout", () => {
  /** How many pixels of a PNG differ from its top-left pixel, counted in a blank page. */
  async function inkedPixels(page, png) {
    await page.goto("about:blank");
    return page.evaluate(async (data) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext("2d");
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, image.width, image.height).data;
      let inked = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (Math.abs(pixels[i] - pixels[0]) + Math.abs(pixels[i + 1] - pixels[1]) + Math.abs(pixels[i + 2] - pixels[2]) > 48) inked++;
      }
      return { inked, total: pixels.length / 4 };
    }, png.toString("base64"));
  }

  for (const [width, height] of [[360, 740], [1280, 800]]) {
    for (const locale of ["en", "ja"]) {
      test(`${locale} pages at ${width} px: no sideways scrolling, screenshots not blank`, async (t) => {
        const page = await newPage(t, { viewport: { width, height } });
        const blank = await newPage(t);
        for (const name of ["index", "escalate-problems-to-microsoft", "categories"]) {
          await page.goto(fileUrl(`${locale}/${name}.html`));
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(scrollWidth <= width, `${name}: ${scrollWidth} px wide at ${width} px`);
          const png = await page.screenshot({ path: join(screenshots, `${locale}-${name}-${width}.png`) });
          const { inked, total } = await inkedPixels(blank, png);
          assert.ok(inked > total * 0.02, `${name} at ${width} px: ${inked} of ${total} pixels inked`);
        }
        // The contents fold on a phone, so the page's text comes first; a desktop shows them.
        const open = await page.locator(".sidebar-contents").evaluate((d) => d.open);
        assert.equal(open, width > 640, `contents open at ${width} px`);
        if (width < 640) {
          // Turned sideways, the phone shows the contents again (their fold is hidden there).
          await page.setViewportSize({ width: 740, height: 360 });
          await page.waitForFunction(() => document.querySelector(".sidebar-contents").open);
          await page.setViewportSize({ width, height });
        }
        // The search box and its results fit the screen too.
        await page.goto(fileUrl(`${locale}/index.html`));
        await searchFor(page, locale === "ja" ? "正常性" : "escalate");
        const box = await page.locator("#rb-search-results").boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= width, `results at ${box.x}+${box.width}`);
        await page.screenshot({ path: join(screenshots, `${locale}-search-${width}.png`) });
      });
    }
  }

  for (const locale of ["en", "ja"]) {
    test(`${locale} flowchart on a 360 px phone: unshrunk 12 px labels, scrolls in its frame, boxes lead to steps`, async (t) => {
      const page = await newPage(t, { viewport: { width: 360, height: 740 } });
      await page.goto(fileUrl(`${locale}/escalate-problems-to-microsoft.html`));
      const frame = page.locator(".flowchart-scroll");
      const chart = await frame.evaluate((div) => {
        const svg = div.querySelector("svg.flowchart");
        const sizes = [...svg.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize));
        return {
          scrolls: div.scrollWidth > div.clientWidth,
          frameRight: div.getBoundingClientRect().right,
          drawn: svg.getBoundingClientRect().width,
          natural: svg.viewBox.baseVal.width,
          smallest: Math.min(...sizes),
          focusable: div.tabIndex === 0,
          name: svg.getAttribute("aria-label"),
        };
      });
      assert.equal(chart.drawn, chart.natural, "drawn at its natural size");
      assert.ok(chart.smallest >= 12, `smallest text ${chart.smallest} px`);
      assert.ok(chart.scrolls, "wider than the phone: it scrolls sideways inside its frame");
      assert.ok(chart.frameRight <= 360, `the frame ends at ${chart.frameRight}`);
      assert.ok(chart.focusable, "the frame scrolls by keyboard");
      assert.match(chart.name, locale === "ja" ? /^フローチャート: / : /^Flowchart: /);
      await page.locator(".flowchart-figure").screenshot({ path: join(screenshots, `${locale}-flowchart-360.png`) });
      // The text equivalent is one link away; a box is a link to its step.
      await page.locator('.flowchart-figure figcaption a[href="#rb-steps"]').click();
      assert.equal(new URL(page.url()).hash, "#rb-steps");
      await page.locator('svg.flowchart a[href="#troubleshoot"]').click();
      assert.equal(new URL(page.url()).hash, "#troubleshoot");
    });
  }

  test("print hides navigation and search and prints link addresses", async (t) => {
    const page = await newPage(t);
    await page.goto(fileUrl("en/check-service-health.html"));
    await page.emulateMedia({ media: "print" });
    for (const selector of [".site-header", ".sidebar", ".search", ".skip-link"]) {
      const display = await page.locator(selector).evaluate((e) => getComputedStyle(e).display);
      assert.equal(display, "none", `${selector} in print`);
    }
    // The sample links no other site: add a link as an author would write one.
    await page.evaluate(() => {
      const link = document.createElement("a");
      link.href = "https://status.example.com/";
      link.textContent = "status page";
      document.querySelector("main p").append(" ", link);
    });
    const external = page.locator('main a[href^="http"]').first();
    const after = await external.evaluate((a) => getComputedStyle(a, "::after").content);
    assert.match(after, /\(https?:/);
    const pdf = await page.pdf({ path: join(out, "en-check-service-health.pdf") });
    assert.ok(pdf.length > 1000);
  });
});

describe("DocFX content (tests/fixtures/docfx)", () => {
  const docfx = join(out, "docfx");
  const docfxUrl = (path) => {
    const [file, fragment] = path.split("#");
    return pathToFileURL(join(docfx, "html", file)).href + (fragment === undefined ? "" : `#${fragment}`);
  };

  before(() => {
    execFileSync(
      "cargo",
      ["run", "--quiet", "--", "build", "--quiet", "--root", "tests/fixtures/docfx", "--out", relative(root, docfx)],
      { cwd: root, stdio: "inherit" },
    );
  });

  test("a tab group is a tab list: keyboard, one panel shown, #tab/ addresses open their tab", async (t) => {
    const page = await newPage(t);
    await page.goto(docfxUrl("en/escalate-to-vendor.html"));
    const tabs = page.getByRole("tab");
    assert.equal(await tabs.count(), 2);
    assert.equal(await tabs.nth(0).getAttribute("aria-selected"), "true");
    assert.equal(await page.locator("#tab\\/cli").isVisible(), false);
    await tabs.nth(0).focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(await tabs.nth(1).getAttribute("aria-selected"), "true");
    assert.equal(await page.locator("#tab\\/cli").isVisible(), true);
    assert.equal(await page.locator("#tab\\/portal").isVisible(), false);
    // A link to the tab opens it.
    await page.goto(docfxUrl("en/escalate-to-vendor.html#tab/portal"));
    await page.getByRole("link", { name: "command-line tab" }).click();
    await page.waitForFunction(() => !document.getElementById("tab/cli").hidden);
    assert.equal(await page.getByRole("tab", { name: "Command line" }).getAttribute("aria-selected"), "true");
  });

  test("without script, every tab is a titled section", async (t) => {
    const page = await newPage(t, { javaScriptEnabled: false });
    await page.goto(docfxUrl("ja/escalate-to-vendor.html"));
    assert.equal(await page.getByRole("tab").count(), 0);
    assert.equal(await page.locator("#tab\\/portal").isVisible(), true);
    assert.equal(await page.locator("#tab\\/cli").isVisible(), true);
    assert.deepEqual(await page.locator(".tab-title").allTextContents(), ["ポータル", "コマンド ライン"]);
  });

  for (const [width, height] of [[360, 740], [1280, 800]]) {
    test(`alerts, include, tabs, figure and table at ${width} px in both locales: fit, one h1, no axe violation`, async (t) => {
      const page = await newPage(t, { viewport: { width, height } });
      for (const locale of ["en", "ja"]) {
        // Over HTTP: axe reads stylesheets, which a file:// page may not do.
        await page.goto(new URL(`../../docfx/html/${locale}/escalate-to-vendor.html`, httpRoot).href);
        assert.equal(await page.locator("h1").count(), 1);
        assert.equal(await page.locator(".alert[role=note]").count(), 5);
        assert.equal(await page.locator("main img").count(), 3);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= width, `${locale}: ${scrollWidth} px wide at ${width} px`);
        await page.screenshot({ path: join(screenshots, `docfx-${locale}-${width}.png`), fullPage: true });
        await page.evaluate(axeSource);
        const found = await page.evaluate(async () => {
          const result = await globalThis.axe.run(document, {
            runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
          });
          return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        });
        assert.deepEqual(found.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`)), []);
      }
    });
  }
});

describe("run mode", () => {
  const procedure = "escalate-problems-to-microsoft";
  // The sample project with one step's text edited, built beside the sample, so that one browser
  // (one origin, one localStorage) sees a run begun on the published procedure and then its edit.
  const editedProject = join(out, "edited-project");
  const editedSite = join(out, "site-edited");

  before(() => {
    rmSync(editedProject, { recursive: true, force: true });
    mkdirSync(editedProject, { recursive: true });
    for (const entry of ["book.toml", "translations.lock", "content", "templates"]) {
      if (existsSync(join(root, entry))) cpSync(join(root, entry), join(editedProject, entry), { recursive: true });
    }
    const file = join(editedProject, `content/${procedure}.yaml`);
    const text = readFileSync(file, "utf8");
    const edited = text.replace("Keep the request number so you can follow up", "Keep the request number and its severity so you can follow up");
    assert.notEqual(edited, text, "the edit must change the procedure");
    writeFileSync(file, edited);
    execFileSync("cargo", ["run", "--quiet", "--", "build", "--quiet", "--root", editedProject, "--out", editedSite], {
      cwd: root,
      stdio: "inherit",
    });
  });

  /** The procedure page over HTTP in `locale`, with the clock at `time` (Tokyo time). */
  async function openRun(t, locale = "en", options = {}) {
    const page = await newPage(t, { timezoneId: "Asia/Tokyo", ...options });
    await page.clock.setFixedTime(new Date("2026-12-02T14:00:00+09:00"));
    // Confirmations (go back, delete) are accepted, as a reader would.
    page.on("dialog", (dialog) => dialog.accept());
    await page.goto(`${httpRoot}${locale}/${procedure}.html`);
    return page;
  }

  /** Sets the clock to HH:MM:SS on the day of the run. */
  async function at(page, time) {
    await page.clock.setFixedTime(new Date(`2026-12-02T${time}+09:00`));
  }

  /** Starts a run with the record fields of tests/it/record.rs. */
  async function begin(page) {
    await page.locator(".run-start").click();
    const form = page.locator("form.run-fields");
    await form.locator('input[name="customer"]').fill("Contoso *Ltd*");
    await form.locator('input[name="ticket"]').fill("T-1001");
    await form.locator('input[name="date"]').fill("2026-12-02");
    await form.locator('input[name="engineer"]').fill("A. Lee");
    await form.locator("button[type=submit]").click();
    await page.locator("article.procedure.running").waitFor();
  }

  const current = (page) => page.locator("li.step.run-current").getAttribute("id");

  async function answer(page, index) {
    await page.locator(`li.step.run-current .run-answer[data-answer="${index}"]`).click();
  }

  async function markDone(page) {
    await page.locator("li.step.run-current .run-mark-done").click();
  }

  test("a run through both answers of every decision, a reload and a change of language, exported as Markdown and JSON that the command line accepts and renders", async (t) => {
    const page = await openRun(t);
    await begin(page);
    assert.equal(await current(page), "check-service-health");
    await at(page, "14:02:00");
    await page.locator("li.step.run-current textarea.run-note-input").fill("No incident\nfor Exchange Online");
    await markDone(page);
    assert.equal(await current(page), "documented");

    // Each answer of each decision leads to its step; Undo takes it back.
    await answer(page, 0);
    assert.equal(await current(page), "tell-customer-known-issue");
    await page.locator(".run-undo").click();
    await at(page, "14:03:10");
    await answer(page, 1);
    assert.equal(await current(page), "troubleshoot");
    assert.ok(await page.locator("li#tell-customer-known-issue.run-skipped").isVisible(), "off the path: skipped");
    await at(page, "14:20:00");
    await markDone(page);

    // A reload finds the run where it was.
    await page.reload();
    await page.locator("article.procedure.running").waitFor();
    assert.equal(await current(page), "troubleshooting-fixed");
    assert.equal(await page.locator("li.step.run-done").count(), 3);

    await answer(page, 0);
    assert.equal(await current(page), "close-the-loop");
    await page.locator(".run-undo").click();

    // Japanese mid-run: the same run, at the same step, answered in Japanese.
    await page.locator('.languages a[hreflang="ja"]').click();
    await page.waitForURL(/\/ja\//);
    await page.locator("article.procedure.running").waitFor();
    assert.equal(await current(page), "troubleshooting-fixed");
    assert.equal(await page.locator("li.step.run-current .run-answer").first().innerText(), "はい");
    await at(page, "14:21:00");
    await answer(page, 1);
    assert.equal(await current(page), "microsoft-category");

    // And back to English, where "No" loops back to troubleshooting.
    await page.locator('.languages a[hreflang="en"]').click();
    await page.waitForURL(/\/en\//);
    await page.locator("article.procedure.running").waitFor();
    await answer(page, 1);
    assert.equal(await current(page), "troubleshoot");
    await page.locator(".run-undo").click();
    await at(page, "14:22:00");
    await answer(page, 0);
    assert.equal(await current(page), "submit-request");

    // Going back to an earlier step drops what followed (confirmed), and the run goes on from there.
    await page.locator('.run-back[data-entry="3"]').click();
    assert.equal(await current(page), "troubleshooting-fixed");
    await at(page, "14:21:00");
    await answer(page, 1);
    await at(page, "14:22:00");
    await answer(page, 0);

    const escalation = page.locator("li.step.run-current");
    assert.equal(await escalation.getAttribute("id"), "submit-request");
    await escalation.locator('input[type=checkbox][value="bugs-and-irregularities"]').check();
    await escalation.locator('input[type=checkbox][value="unavailable-services"]').check();
    await escalation.locator(".run-request-input").fill("2512020010001234");
    await at(page, "14:40:00");
    await markDone(page);
    await at(page, "14:47:00");
    await markDone(page);
    await at(page, "14:47:31");
    await page.locator(".run-finish").click();
    const summary = page.locator(".run-summary");
    await summary.waitFor();
    assert.equal(await summary.evaluate((e) => e === document.activeElement), true, "focus on the summary");
    assert.match(await summary.innerText(), /48 min/);

    // Copy as Markdown: the same text as the command line's snapshot of the same run.
    await page.evaluate(() => {
      navigator.clipboard.writeText = async (text) => {
        globalThis.copied = text;
      };
    });
    await page.locator(".run-copy").click();
    await page.waitForFunction(() => typeof globalThis.copied === "string");
    const markdown = await page.evaluate(() => globalThis.copied);
    const version = await page.locator("article.procedure").getAttribute("data-version");
    const snapshot = readFileSync(join(root, "tests/it/snapshots/it__record__record_en.md.snap"), "utf8")
      .split(/^---$/m)
      .slice(2)
      .join("---")
      .replace(/^\n/, "");
    assert.equal(markdown.replace(version, "VERSION"), snapshot);

    // Download JSON: checked and rendered by the command line.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".run-download").click()]);
    const json = join(out, "run.json");
    await download.saveAs(json);
    const record = JSON.parse(readFileSync(json, "utf8"));
    assert.equal(record["runbook-run"], 1);
    assert.equal(record.locale, "en");
    assert.deepEqual(record.path.map((e) => e.step), [
      "check-service-health", "documented", "troubleshoot", "troubleshooting-fixed", "microsoft-category", "submit-request", "close-the-loop",
    ]);
    const runbook = (...args) => execFileSync("cargo", ["run", "--quiet", "--", ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    runbook("record", "check", json);
    assert.equal(runbook("record", "render", json), markdown, "the command line renders what the page copied");

    // A record edited to skip a decision's target is refused at its pointer.
    const skipping = structuredClone(record);
    skipping.path.splice(2, 1);
    const skipped = join(out, "run-skipping.json");
    writeFileSync(skipped, JSON.stringify(skipping, null, 2) + "\n");
    assert.throws(() => runbook("record", "check", skipped), (error) => {
      assert.equal(error.status, 1);
      assert.match(error.stderr, /`\/path\/2\/step`: after step 2 \(`documented`\) answered “No” the run goes to step 4/);
      assert.match(error.stderr, /run-skipping\.json:\d+:\d+/);
      return true;
    });

    // The filled-in checklist as PDF holds the ticks, the answers and the record fields.
    const pdf = join(out, "run.pdf");
    runbook("record", "render", json, "--format", "pdf", "--out", pdf);
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    for (const expected of ["✓", "Contoso *Ltd*", "T-1001", "A. Lee", "2512020010001234", "Skipped", "Elapsed time: 48 min"]) {
      assert.ok(text.includes(expected), `${expected} in the PDF:\n${text}`);
    }
    assert.match(text, /✓\s*No → step 4/);
  });

  test("the printed page is the checklist filled in", async (t) => {
    const page = await openRun(t, "en", { viewport: { width: 1280, height: 900 } });
    await begin(page);
    await at(page, "14:02:00");
    await markDone(page);
    await at(page, "14:03:00");
    await answer(page, 0);
    await at(page, "14:09:00");
    await markDone(page);
    await at(page, "14:10:00");
    await page.locator(".run-finish").click();
    await page.screenshot({ path: join(screenshots, "run-en-1280.png"), fullPage: true });
    await page.emulateMedia({ media: "print" });
    for (const selector of [".run-toolbar", ".run-start-line", ".site-header", ".sidebar"]) {
      const hidden = await page.locator(selector).evaluateAll((all) => all.every((e) => getComputedStyle(e).display === "none" || e.closest("[hidden]")));
      assert.ok(hidden, `${selector} is not printed`);
    }
    const pdfPath = join(out, "run-printed.pdf");
    await page.pdf({ path: pdfPath, format: "A4" });
    const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"], { encoding: "utf8" });
    for (const expected of ["Contoso *Ltd*", "T-1001", "14:02", "14:03", "Answer: Yes", "Skipped"]) {
      assert.ok(text.includes(expected), `${expected} in the printed page:\n${text}`);
    }
    const struck = await page.locator("li#troubleshoot.run-skipped h3").evaluate((h) => getComputedStyle(h).textDecorationLine);
    assert.equal(struck, "line-through", "a skipped step is struck through on paper");
  });

  test("a run begun before an edit to one step names that step", async (t) => {
    const page = await openRun(t);
    await begin(page);
    await markDone(page);
    await page.goto(`${httpRoot}../../site-edited/html/en/${procedure}.html`);
    await page.locator("article.procedure.running").waitFor();
    const notice = page.locator(".run-changed");
    await notice.waitFor();
    const text = await notice.innerText();
    assert.match(text, /Step 7\. Submit a support request to Microsoft/);
    assert.doesNotMatch(text, /Step 1\./);
    // The run goes on: the published page still knows where it stands.
    assert.equal(await current(page), "documented");
  });

  test("a kept run whose path no longer follows the procedure says where it breaks, and going back mends it", async (t) => {
    const page = await openRun(t);
    await begin(page);
    await markDone(page);
    await answer(page, 1);
    await markDone(page);
    // As if the content had changed under the run: its second entry now answers "Yes" while the
    // third is still the "No" branch's step.
    await page.evaluate((procedure) => {
      const id = localStorage.getItem(`runbook.active.${procedure}`);
      const run = JSON.parse(localStorage.getItem(`runbook.run.${id}`));
      run.path[1].answer = 0;
      localStorage.setItem(`runbook.run.${id}`, JSON.stringify(run));
    }, procedure);
    await page.reload();
    const broken = page.locator(".run-broken");
    await broken.waitFor();
    assert.match(await broken.innerText(), /step 3 of this run no longer follows/);
    assert.equal(await page.locator("li.step.run-current").count(), 0);
    assert.equal(await page.locator(".run-finish").isEnabled(), false);
    await page.locator('.run-back[data-entry="1"]').click();
    assert.equal(await broken.isVisible(), false);
    assert.equal(await current(page), "documented");
  });

  test("keyboard only from start to export; focus follows the current step and is announced", async (t) => {
    const page = await openRun(t);
    await page.locator(".run-start").focus();
    await page.keyboard.press("Enter");
    const first = page.locator('form.run-fields input[name="customer"]');
    assert.equal(await first.evaluate((e) => e === document.activeElement), true, "focus in the record fields");
    await page.keyboard.type("Fabrikam");
    await page.keyboard.press("Enter");
    await page.locator("article.procedure.running").waitFor();
    const focusedStep = () => page.evaluate(() => document.activeElement.closest("li.step")?.id);
    assert.equal(await focusedStep(), "check-service-health");
    assert.match(await page.locator("#rb-run-status").innerText(), /Now at step 1: Look for known problems/);
    // Tab to "Mark done" from the step's heading and press it.
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement.matches(".run-mark-done"))); i++) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    assert.equal(await focusedStep(), "documented");
    assert.match(await page.locator("#rb-run-status").innerText(), /Now at step 2: Is the problem already documented\?/);
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement.matches(".run-answer"))); i++) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    assert.equal(await focusedStep(), "tell-customer-known-issue");
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement.matches(".run-mark-done"))); i++) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement.matches(".run-finish")), true, "at the end, focus on Finish");
    assert.match(await page.locator("#rb-run-status").innerText(), /The procedure is complete/);
    await page.keyboard.press("Enter");
    await page.evaluate(() => {
      navigator.clipboard.writeText = async (text) => {
        globalThis.copied = text;
      };
    });
    for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement.matches(".run-copy"))); i++) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => typeof globalThis.copied === "string");
    assert.match(await page.evaluate(() => globalThis.copied), /- Customer: Fabrikam\n/);
  });

  for (const scheme of ["light", "dark"]) {
    for (const [width, height] of [[360, 740], [1280, 800]]) {
      test(`run mode at ${width} px (${scheme}): fits, no serious or critical axe violation`, async (t) => {
        const page = await openRun(t, "ja", { colorScheme: scheme, viewport: { width, height } });
        await begin(page);
        await markDone(page);
        await answer(page, 1);
        await markDone(page);
        const problems = [];
        for (const stage of ["decision", "escalation", "summary"]) {
          if (stage === "escalation") {
            await answer(page, 1);
            await answer(page, 0);
          }
          if (stage === "summary") {
            await page.locator("li.step.run-current .run-categories input[type=checkbox]").first().check();
            await markDone(page);
            await page.locator(".run-finish").click();
          }
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          if (scrollWidth > width) problems.push(`${stage}: ${scrollWidth} px wide`);
          await page.evaluate(axeSource);
          const found = await page.evaluate(async () => {
            const result = await globalThis.axe.run(document, {
              runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
            });
            return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
          });
          for (const v of found) for (const n of v.nodes) problems.push(`${stage}: ${v.id}: ${n.target.join(" ")}`);
          if (scheme === "light") {
            await page.screenshot({ path: join(screenshots, `run-ja-${stage}-${width}.png`), fullPage: width === 360 });
          }
        }
        assert.deepEqual(problems, []);
      });
    }
  }

  test("runs are listed on the procedure and home pages, resumed, and deleted", async (t) => {
    const page = await openRun(t);
    await begin(page);
    await markDone(page);
    await page.locator(".run-close").click();
    const item = page.locator(".run-list li.run-item");
    assert.equal(await item.count(), 1);
    assert.match(await item.innerText(), /Contoso \*Ltd\* · T-1001/);
    await page.goto(`${httpRoot}en/index.html`);
    const home = page.locator(".run-home li.run-item");
    assert.equal(await home.count(), 1);
    await home.locator("a.run-resume").click();
    await page.waitForURL(new RegExp(`${procedure}\\.html`));
    await page.locator("article.procedure.running").waitFor();
    assert.equal(await current(page), "documented");
    await page.locator(".run-close").click();
    await page.locator(".run-list li.run-item .run-delete").click();
    assert.equal(await page.locator(".run-list li.run-item").count(), 0);
    await page.goto(`${httpRoot}en/index.html`);
    assert.equal(await page.locator(".run-home").isVisible(), false, "no runs: no list");
  });

  test("without JavaScript the page is the ordinary guide", async (t) => {
    const page = await newPage(t, { javaScriptEnabled: false });
    await page.goto(fileUrl(`en/${procedure}.html`));
    assert.equal(await page.locator("#rb-run").isVisible(), false);
    assert.equal(await page.locator("li.step").count(), 8);
    assert.equal(await page.locator("button:visible").count(), 0);
  });
});

describe("run mode on longer procedures (tests/fixtures/flowchart, tests/fixtures/runs)", () => {
  const fixtures = ["flowchart", "runs"];

  before(() => {
    for (const name of fixtures) {
      execFileSync("cargo", ["run", "--quiet", "--", "build", "--quiet", "--root", `tests/fixtures/${name}`, "--out", relative(root, join(out, name))], {
        cwd: root,
        stdio: "inherit",
      });
    }
  });

  // A procedure written for the flowcharts, and one with the structure of a public on-call runbook
  // (a four-level severity ladder, a loop until mitigated, an escalation that loops back).
  for (const [fixture, address] of [
    ["tests/fixtures/flowchart", "flowchart/html/en/tenant-outage.html"],
    ["tests/fixtures/runs", "runs/html/ja/respond-to-incident.html"],
  ])
  test(`seeded random walks through loops, decisions and an escalation (${address}): the page's flow is the command line's`, async (t) => {
    const page = await newPage(t);
    page.on("dialog", (dialog) => dialog.accept());
    // A fixed linear congruential sequence: the same walks on every run.
    let seed = 16;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const runbook = (...args) =>
      execFileSync("cargo", ["run", "--quiet", "--", "--root", fixture, ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const name = address.split("/")[0];
    const lengths = [];
    let loops = 0;
    for (let walk = 0; walk < 10; walk++) {
      await page.goto(`${httpRoot}../../${address}`);
      await page.locator(".run-start").click();
      await page.locator("form.run-fields input").first().fill(`Walk ${walk}`);
      await page.locator("form.run-fields button[type=submit]").click();
      await page.locator("article.procedure.running").waitFor();
      for (let action = 0; action < 40; action++) {
        const finish = page.locator(".run-finish");
        const step = page.locator("li.step.run-current");
        const atStep = (await step.count()) > 0;
        if (!atStep || ((await finish.isEnabled()) && random() < 0.5)) break;
        const answers = step.locator(".run-answer");
        const count = await answers.count();
        if (count) {
          await answers.nth(Math.floor(random() * count)).click();
        } else {
          const boxes = step.locator(".run-categories input[type=checkbox]");
          for (let i = 0; i < (await boxes.count()); i++) if (random() < 0.5) await boxes.nth(i).check();
          if (random() < 0.3) await step.locator("textarea.run-note-input").fill(`# note ${walk}.${action} *with* <markup> & ~x~ | y\n- 1) second line\n\n  12. third`);
          await step.locator(".run-mark-done").click();
        }
      }
      if (await page.locator(".run-finish").isEnabled()) await page.locator(".run-finish").click();
      await page.evaluate(() => {
        globalThis.copied = undefined;
        navigator.clipboard.writeText = async (text) => {
          globalThis.copied = text;
        };
      });
      await page.locator(".run-copy").click();
      await page.waitForFunction(() => typeof globalThis.copied === "string");
      const markdown = await page.evaluate(() => globalThis.copied);
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".run-download").click()]);
      const json = join(out, `walk-${name}-${walk}.json`);
      await download.saveAs(json);
      const record = JSON.parse(readFileSync(json, "utf8"));
      const steps = record.path.map((e) => e.step);
      if (new Set(steps).size < steps.length) loops += 1;
      lengths.push(`${steps.length}${record.finished ? "" : " (unfinished)"}`);
      try {
        runbook("record", "check", json);
      } catch (error) {
        assert.fail(`walk ${walk} (${record.path.map((e) => e.step + (e.answer ?? "")).join(" ")}): ${error.stderr}`);
      }
      assert.equal(runbook("record", "render", json), markdown, `walk ${walk}: the page and the command line write the same Markdown`);
      await page.locator(".run-close").click();
    }
    // Some walks go round a loop (a step done twice).
    assert.ok(loops >= 2, `walks with a loop: ${loops}; path lengths: ${lengths.join(", ")}`);
  });

  test("an answer that leads to another procedure ends the run there, and says where it continues", async (t) => {
    const page = await newPage(t);
    await page.goto(`${httpRoot}../../runs/html/ja/triage.html`);
    await page.locator(".run-start").click();
    // The project's own record fields: a built-in one in Japanese, its own as written.
    assert.deepEqual(await page.locator("form.run-fields label").allInnerTexts(), ["チケット / サポート リクエスト番号", "Region"]);
    await page.locator('form.run-fields input[name="Region"]').fill("Japan East");
    await page.locator("form.run-fields button[type=submit]").click();
    await page.locator("li.step.run-current .run-mark-done").click();
    await page.locator('li.step.run-current .run-answer[data-answer="0"]').click();
    assert.equal(await page.locator("li.step.run-current").count(), 0, "no step is current after the hand-over");
    assert.equal(await page.locator(".run-finish").isEnabled(), true);
    assert.match(await page.locator(".run-active").innerText(), /「請求に関する異議に対応する」に続きます/);
    assert.match(await page.locator("#rb-run-status").innerText(), /手順が完了しました/);
    assert.equal(await page.locator("li#check-licences.run-skipped").count(), 1);
  });
});
