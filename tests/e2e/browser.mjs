// What the browser tests share: Debian's Chromium launched as this machine allows, and pages
// whose script errors, policy violations and failed requests fail the test.

import assert from "node:assert/strict";

/** Launches Debian's Chromium (RUNBOOK_CHROMIUM overrides the path) with `chromium`, the
    playwright-core launcher; no background network traffic, no sandbox (tests run as root). */
export function launchChromium(chromium) {
  return chromium.launch({
    executablePath: process.env.RUNBOOK_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** A page in a new context of `browser` (`options`: locale, JavaScript, time zone) that records
    script errors, policy violations and failed requests, which fail test `t` when it ends.
    Responses of 400 and over are failures, but for the site's icon (browsers ask for one) and
    the address `expected` names (a test that asks for a missing page). */
export async function recordingPage(browser, t, options = {}, expected = null) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    // A missing file is reported below with its address.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && response.url() !== expected && !response.url().endsWith("/favicon.ico")) {
      errors.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on("requestfailed", (request) => errors.push(`failed: ${request.url()}`));
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors, [], "the page logged errors");
  });
  return page;
}

/** axe's serious and critical violations on `page` (axe's script `axeSource` injected), as
    "rule: target" lines. */
export async function axeViolations(page, axeSource) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations;
  });
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}
