// Batch pre-check (批量预审) in a real Chromium: a 1,000-row CSV with 3 bad
// rows is uploaded, its results downloaded (997 records and 3 errors), the
// bad lines listed, and the rows saved as applicants after a question
// about AppIDs that already exist.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { launch, picture, shoot, signIn, startServer } from "../lib/harness.js";

/** A date `days` from today, YYYY-MM-DD. */
const inDays = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function csv() {
  const head = "id,appid,name,subject_type,subject_name,categories,scenarios,multi_merchant,documents";
  const rows = [head];
  const statuses = ["pending", "planned", "approved"];
  for (let i = 1; i <= 1000; i++) {
    const appid = "wx" + i.toString(16).padStart(16, "0");
    const docs = `platform_service_agreement;valid_until=${inDays(5 + (i % 85))}` + (i % 3 === 0 ? "|merchant_admission_rules" : "");
    let row = `m${i},${appid},商户${i},enterprise,示例${i}有限公司,电商平台/电商平台:${statuses[i % 3]},ecommerce_selling,true,${docs}`;
    if (i === 10) row = `m${i},${appid},商户${i},no_such_subject,,,,,`;
    if (i === 500) row = `m${i},${appid},商户${i},enterprise,,电商平台/电商平台:maybe,,,`;
    if (i === 999) row = `m${i},${appid},"unterminated,enterprise,,,,,`;
    rows.push(row);
  }
  return rows.join("\n") + "\n";
}

describe("batch pre-check", () => {
  let server, browser;
  before(async () => { server = await startServer(); browser = await launch(); });
  after(async () => { await browser?.close(); await server?.stop(); });

  test("a 1,000-row CSV with 3 bad rows gives 997 records and 3 errors", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    await page.goto(`${server.url}/batch`);
    await shoot(page, "batch");
    await page.getByLabel(/文件（/).setInputFiles({ name: "merchants.csv", mimeType: "text/csv", buffer: Buffer.from(csv()) });
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "开始预审" }).click()]);
    const status = page.locator("p[data-records]");
    await status.waitFor({ timeout: 60_000 });
    assert.equal(await status.getAttribute("data-records"), "997");
    assert.equal(await status.getAttribute("data-errors"), "3");
    const lines = await page.locator("table.bad-lines tbody tr td:first-child").allTextContents();
    assert.deepEqual(lines.map(Number), [11, 501, 1000], "the bad lines, by line number (the header is line 1)");
    const kinds = await page.locator("table.bad-lines tbody tr td:nth-child(2)").allTextContents();
    assert.deepEqual(kinds, ["资料有误", "资料有误", "表格行有误"], "each fault's kind in words, not its id");
    const [jsonl] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载结果（JSONL）" }).click()]);
    const records = readFileSync(await jsonl.path(), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(records.length, 1000);
    assert.equal(records.filter((r) => r.error).length, 3);
    assert.equal(records.filter((r) => r.verdict).length, 997);
    const [summary] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载汇总（CSV）" }).click()]);
    assert.equal(readFileSync(await summary.path(), "utf8").trim().split("\n").length, 1001);
    // The rows themselves, by verdict, a page at a time.
    await Promise.all([page.waitForNavigation(), page.locator("#rows nav").getByRole("link", { name: /需要补充/ }).click()]);
    const verdicts = await page.locator("#rows tbody [data-verdict]").evaluateAll((els) => els.map((e) => e.dataset.verdict));
    assert.equal(verdicts.length, 50, "a page of 50 rows");
    assert.ok(verdicts.every((v) => v === "needs_action"), "only the chosen verdict");
    // Each row stays short on a phone: the missing documents fold under their count.
    await page.setViewportSize({ width: 360, height: 800 });
    const tallest = await page.locator("#rows tbody tr").evaluateAll((rs) => Math.max(...rs.map((r) => r.getBoundingClientRect().height)));
    assert.ok(tallest < 260, `a row card at 360 px is ${tallest} px tall`);
    assert.match(await page.locator("#rows tbody details.missing summary").first().textContent(), /还缺 \d+ 份/);
    await shoot(page, "batch-rows");
    await page.setViewportSize({ width: 1280, height: 900 });
    const first = await page.locator("#rows tbody th").first().textContent();
    await Promise.all([page.waitForNavigation(), page.locator("#rows").getByRole("link", { name: "下一页" }).click()]);
    assert.notEqual(await page.locator("#rows tbody th").first().textContent(), first, "the next page, other rows");
    await shoot(page, "batch-result");
    await Promise.all([page.waitForNavigation(), page.locator("a.lang").click()]);
    const english = await page.locator("table.bad-lines tbody tr td:nth-child(2)").allTextContents();
    assert.deepEqual(english, ["Invalid profile", "Invalid profile", "Invalid row"]);
    const messages = await page.locator("table.bad-lines tbody tr td:nth-child(3)").allTextContents();
    assert.equal(messages.length, 3);
    for (const m of messages) assert.ok(!/[\u4e00-\u9fff]/.test(m), `an English reader gets the fault in English: ${m}`);
    assert.deepEqual((await page.locator("table.bad-lines tbody tr td:first-child").allTextContents()).map(Number), [11, 501, 1000]);
    await shoot(page, "batch-result-en");
    await page.close();
  });

  test("a bad line shows every mistake: where, what and the nearest right name; progress needs no page refresh", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    await page.goto(`${server.url}/batch`);
    const lines = ['{"subject": {"type": "enterprise"}, "catgories": [], "categories": [{"first": "电商平台", "second": "电商平台", "status": "aproved"}]}'];
    for (let i = 0; i < 2000; i++) lines.push('{"subject": {"type": "enterprise"}, "scenarios": ["ecommerce_selling"]}');
    await page.getByLabel(/文件（/).setInputFiles({ name: "typo.jsonl", mimeType: "application/json", buffer: Buffer.from(lines.join("\n")) });
    const [res] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "开始预审" }).click()]);
    assert.equal(res.headers()["refresh"], undefined, "no Refresh header: the page is not reloaded under the reader");
    await page.locator("p[data-records]").waitFor({ timeout: 60_000 });
    const cell = page.locator("table.bad-lines tbody tr td:nth-child(3)").first();
    assert.match(await cell.textContent(), /是否想写：\s*categories/);
    assert.doesNotMatch(await cell.textContent(), /`/, "names are set as code, not shown with backticks");
    assert.equal(await cell.locator("code").first().textContent(), "catgories");
    // Every mistake of the line, each with its place and nearest name.
    assert.equal(await cell.locator("ol.faults > li").count(), 2);
    assert.match(await cell.locator("ol.faults > li").nth(1).textContent(), /categories\[0\]\.status[\s\S]*是否想写：\s*approved/);
    // The template the page offers is a file the page reads without a fault.
    await page.goto(`${server.url}/batch`);
    await page.getByText("CSV 表格的列说明").click();
    const [template] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载 CSV 模板" }).click()]);
    await page.getByLabel(/文件（/).setInputFiles({ name: "template.csv", mimeType: "text/csv", buffer: readFileSync(await template.path()) });
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "开始预审" }).click()]);
    const status = page.locator("p[data-records]");
    await status.waitFor({ timeout: 60_000 });
    assert.equal(await status.getAttribute("data-records"), "2");
    assert.equal(await status.getAttribute("data-errors"), "0");
    await page.close();
  });

  test("rows are saved as applicants, asking first about AppIDs that exist", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    // One AppID of the file is already an applicant.
    await page.goto(`${server.url}/applicants/new`);
    await page.getByLabel("AppID").fill("wx0000000000000001");
    await page.locator('input[name=subject][value="enterprise"]').check();
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "创建" }).click()]);
    await page.goto(`${server.url}/batch`);
    await Promise.all([page.waitForNavigation(), page.locator("a[href^='/batch/bat_']", { hasText: "merchants.csv" }).first().click()]);
    await page.locator("p[data-records]").waitFor({ timeout: 60_000 });
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "保存为申请主体" }).click()]);
    assert.match(await page.locator("main").textContent(), /1 行的 AppID 已有申请主体/);
    await shoot(page, "batch-confirm");
    await page.getByLabel(/跳过/).check();
    await Promise.all([page.waitForNavigation({ timeout: 120_000 }), page.getByRole("button", { name: "保存为申请主体" }).click()]);
    const done = page.locator("p[data-created]");
    assert.equal(await done.getAttribute("data-created"), "996");
    assert.equal(await done.getAttribute("data-skipped"), "1");
    await page.goto(`${server.url}/dashboard`);
    assert.match(await page.locator("#expiries").locator("..").textContent(), /起一周/);
    await shoot(page, "dashboard-portfolio");
    await picture(page, "main", "readme-dashboard");
    await page.goto(`${server.url}/applicants?verdict=needs_action`);
    await shoot(page, "applicants-portfolio");
    await page.close();
  });
});
