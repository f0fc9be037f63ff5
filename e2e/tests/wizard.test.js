// The pre-check wizard (预审) in a real Chromium: every example profile of
// the seed's scenarios entered control by control reaches the verdict
// `livegate check` gives it, with JavaScript off (the submit button) and on
// (the live result), and one run uses the keyboard alone.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, launch, livegate, picture, shoot, startServer } from "../lib/harness.js";
import { byKeyboard, byMouse, controls, documentControls, submitByKeyboard } from "../lib/profiles.js";

const AS_OF = "2026-11-28";
const examples = readdirSync(path.join(ROOT, "examples")).filter((f) => f.endsWith(".json")).sort();

function expected(file) {
  let out;
  try {
    out = livegate(["check", "--format", "json", "--as-of", AS_OF, path.join(ROOT, "examples", file)]);
  } catch (e) {
    out = e.stdout; // exit code 1: not (yet) eligible, the report is still on stdout
  }
  return JSON.parse(out).verdict;
}

/** Enters an example profile into the wizard by keyboard alone, submitting twice. */
async function keyboardRun(page, url, file) {
  const profile = JSON.parse(readFileSync(path.join(ROOT, "examples", file), "utf8"));
  await page.goto(`${url}/`);
  await byKeyboard(page, controls(profile));
  await submitByKeyboard(page);
  await byKeyboard(page, documentControls(profile));
  await submitByKeyboard(page);
}

async function verdictOf(page) {
  return page.locator("section.result").getAttribute("data-verdict");
}

describe("pre-check wizard", () => {
  let server, browser;
  before(async () => { server = await startServer(); browser = await launch(); });
  after(async () => { await browser?.close(); await server?.stop(); });

  test("every seed scenario's example reaches its verdict with JavaScript off", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const seen = new Set();
    for (const file of examples) {
      const profile = JSON.parse(readFileSync(path.join(ROOT, "examples", file), "utf8"));
      await page.goto(`${server.url}/`);
      await byMouse(page, controls(profile));
      await page.locator("#as_of").fill(AS_OF);
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "查看结果" }).click()]);
      await byMouse(page, documentControls(profile));
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "查看结果" }).click()]);
      const want = expected(file);
      assert.equal(await verdictOf(page), want, `${file}: the wizard's verdict`);
      seen.add(want);
    }
    assert.deepEqual([...seen].sort(), ["eligible", "ineligible", "needs_action", "pending"]);
    await context.close();
  });

  test("the result follows the form with JavaScript on, without a submit", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    assert.equal(await page.locator("section.result").count(), 0);
    await page.locator('input[name=subject][value="individual"]').check();
    await page.locator("section.result").waitFor();
    assert.equal(await verdictOf(page), "ineligible");
    await page.locator('input[name=subject][value="government"]').check();
    await page.waitForFunction(() => document.querySelector("section.result")?.dataset.verdict === "eligible");
    assert.match(page.url(), /subject=government/, "the address follows the form, so a result can be shared");
    await shoot(page, "wizard-result-government");
    await page.close();
  });

  test("a keyboard-only run reaches the verdict of the eligible e-commerce example", async () => {
    const file = "ecommerce-platform.json";
    const page = await (await browser.newContext({ locale: "zh-CN" })).newPage();
    await keyboardRun(page, server.url, file);
    assert.equal(await verdictOf(page), expected(file));
    assert.equal(expected(file), "eligible");
    await shoot(page, "wizard-result");
    await picture(page, "#result", "readme-wizard-result");
    await page.context().close();
  });

  test("the education case by keyboard alone on a phone, ending with the focus on the result", async () => {
    const file = "education-online-classes.json";
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await keyboardRun(page, server.url, file);
    assert.equal(await verdictOf(page), expected(file));
    const jump = page.locator("#verdict-bar a");
    for (let i = 0; i < 400 && !(await jump.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "result-title");
    assert.ok(await page.locator("#result-title").isVisible(), "the focus lands on the result, in view");
    await context.close();
  });

  test("the result offers the report as JSON, the profile to copy, and print", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?subject=enterprise&c.ecommerce_platform=planned&scenario=ecommerce_selling`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载报告（JSON）" }).click()]);
    const report = JSON.parse(readFileSync(await download.path(), "utf8"));
    assert.equal(report.verdict, "needs_action");
    assert.equal(report.ruleset.version, JSON.parse(livegate(["rules", "show", "--format", "json"])).ruleset.version);
    await page.locator("summary", { hasText: "资料数据" }).click();
    const json = JSON.parse(await page.locator("#profile-json").textContent());
    assert.equal(json.subject.type, "enterprise");
    assert.ok(await page.getByRole("button", { name: "打印" }).isVisible());
    assert.ok(await page.getByRole("button", { name: "复制资料 JSON" }).isVisible());
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("form#precheck").isVisible(), false, "print shows the result, not the form");
    await page.emulateMedia({ media: "screen" });
    await Promise.all([page.waitForNavigation(), page.locator("a.lang").click()]);
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
    await shoot(page, "wizard-result-en");
    await page.close();
  });

  test("the empty wizard and the rules page pass axe at 360 px and 1440 px", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await shoot(page, "wizard");
    await page.goto(`${server.url}/rules`);
    await shoot(page, "rules");
    await page.close();
  });
});
