// The signed-in console in a real Chromium: sign in, create an applicant,
// add a document with its scan and see the report change, a conflicting
// edit refused and explained, the language switch remembered, a form
// without its CSRF token refused, a viewer unable to write, another
// tenant's applicant a 404, and axe on every page.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, shoot, signIn, startServer } from "../lib/harness.js";

// A 1×1 PNG: signature, IHDR, IDAT and IEND.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082",
  "hex",
);

describe("signed-in console", () => {
  let server, browser, applicantUrl;
  before(async () => { server = await startServer(); browser = await launch(); });
  after(async () => { await browser?.close(); await server?.stop(); });

  test("an editor signs in, creates an applicant and sees its report", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/applicants`);
    assert.match(page.url(), /\/signin\?next=/, "a private page sends a stranger to sign in");
    await shoot(page, "signin");
    await page.getByLabel("令牌").fill("lg_wrong");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByText("这个令牌无效").waitFor();
    await signIn(page, server.url, server.tokens.editor);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "lg_session");
    assert.ok(session.httpOnly && session.sameSite === "Lax", "the session cookie is HttpOnly and SameSite=Lax");
    await page.goto(`${server.url}/applicants`);
    await page.getByRole("link", { name: "新建申请主体" }).click();
    await shoot(page, "applicant-new");
    await page.getByLabel("AppID").fill("wx0123456789abcdef");
    await page.getByLabel("名称（选填）").fill("示例商城");
    await page.locator('input[name=subject][value="enterprise"]').check();
    await page.locator("#add-category").selectOption("ecommerce_platform");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "添加此类目", exact: true }).click()]);
    assert.equal(await page.getByLabel("AppID").inputValue(), "wx0123456789abcdef", "adding a category keeps the form and creates nothing yet");
    await page.locator('[id="c.ecommerce_platform"]').selectOption("planned");
    await page.locator('input[name=scenario][value="ecommerce_selling"]').check();
    await page.locator('input[name=multi_merchant][value="yes"]').check();
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "创建" }).click()]);
    applicantUrl = page.url().replace(/#.*/, "");
    assert.match(applicantUrl, /\/applicants\/app_/);
    assert.equal(await page.locator("section.result").getAttribute("data-verdict"), "needs_action");
    await page.close();
  });

  test("a document with its scan changes the report, and the history says what changed", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    await page.goto(applicantUrl);
    const card = page.locator('article[data-path="cloud_live_plugin"]');
    assert.match(await card.textContent(), /电商平台服务协议、交易规则/);
    await page.getByLabel("文件种类").selectOption("platform_service_agreement");
    await page.getByLabel("有效期至").fill("2027-06-30");
    await page.getByLabel(/扫描件（PDF/).setInputFiles({ name: "agreement.png", mimeType: "image/png", buffer: PNG });
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "添加", exact: true }).click()]);
    assert.doesNotMatch(await page.locator('article[data-path="cloud_live_plugin"]').textContent(), /电商平台服务协议、交易规则/);
    assert.equal(await page.locator("#documents img.thumb").count(), 1, "the scan is previewed");
    const scan = await page.request.get(await page.locator("#documents img.thumb").getAttribute("src").then((s) => new URL(s, server.url).href));
    assert.equal(scan.headers()["content-type"], "image/png");
    assert.equal(scan.headers()["x-content-type-options"], "nosniff");
    assert.match(await page.locator("#history").textContent(), /不再缺少/);
    assert.match(await page.locator("#audit").textContent(), /上传扫描件/);
    await shoot(page, "applicant");
    await page.locator("#documents").getByRole("link", { name: "编辑" }).first().click();
    await shoot(page, "document-edit");
    await page.goto(`${server.url}/no-such-page`);
    await shoot(page, "not-found");
    await page.goto(`${server.url}/applicants`);
    await shoot(page, "applicants");
    await page.goto(`${server.url}/dashboard`);
    await shoot(page, "dashboard");
    await page.close();
  });

  test("a conflicting edit from a second browser is refused and explained", async () => {
    const [a, b] = [await browser.newPage(), await (await browser.newContext()).newPage()];
    await signIn(a, server.url, server.tokens.editor);
    await signIn(b, server.url, server.tokens.editor);
    await a.goto(applicantUrl);
    await b.goto(applicantUrl);
    await a.getByLabel("名称（选填）").fill("A 的名字");
    await Promise.all([a.waitForNavigation(), a.getByRole("button", { name: "保存" }).click()]);
    await b.getByLabel("名称（选填）").fill("B 的名字");
    const [res] = await Promise.all([b.waitForNavigation(), b.getByRole("button", { name: "保存" }).click()]);
    assert.equal(res.status(), 409);
    assert.match(await b.getByRole("alert").first().textContent(), /已被他人修改/);
    assert.equal(await b.getByLabel("名称（选填）").inputValue(), "B 的名字", "the refused edit stays in the form");
    await a.reload();
    assert.equal(await a.getByLabel("名称（选填）").inputValue(), "A 的名字", "nothing was overwritten");
    await a.close();
    await b.context().close();
  });

  test("the language switch persists across pages and reloads", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/rules`);
    await page.getByRole("link", { name: "English" }).click();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.match(page.url(), /\/rules$/, "the switch returns to the same page");
    await page.goto(`${server.url}/`);
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.ok(await page.getByRole("heading", { name: "Live streaming pre-check" }).isVisible());
    await page.reload();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await page.getByRole("link", { name: "中文" }).click();
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    await context.close();
  });

  test("a form posted without its CSRF token is refused and changes nothing", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.editor);
    const res = await page.request.post(applicantUrl, {
      form: { appid: "wx0123456789abcdef", name: "forged", subject: "enterprise", version: "99" },
      maxRedirects: 0,
    });
    assert.equal(res.status(), 403);
    await page.goto(applicantUrl);
    assert.notEqual(await page.getByLabel("名称（选填）").inputValue(), "forged");
    await page.close();
  });

  test("a viewer sees no edit controls and the server refuses its writes", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.viewer);
    await page.goto(`${server.url}/applicants`);
    assert.equal(await page.getByRole("link", { name: "新建申请主体" }).count(), 0);
    await page.goto(applicantUrl);
    assert.equal(await page.getByRole("button", { name: "保存" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "添加", exact: true }).count(), 0);
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const res = await page.request.post(applicantUrl, {
      form: { csrf, appid: "wx0123456789abcdef", name: "viewer", subject: "enterprise", version: "2" },
      maxRedirects: 0,
    });
    assert.equal(res.status(), 403);
    await page.close();
  });

  test("another tenant's applicant is a 404", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, server.tokens.other);
    const res = await page.goto(applicantUrl);
    assert.equal(res.status(), 404);
    assert.doesNotMatch(await page.content(), /示例商城|A 的名字/);
    await page.close();
  });

  test("every page sends the security headers", async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/`);
    const h = res.headers();
    assert.match(h["content-security-policy"], /script-src 'self'/);
    assert.match(h["content-security-policy"], /frame-ancestors 'none'/);
    assert.equal(h["x-content-type-options"], "nosniff");
    assert.ok(h["referrer-policy"]);
    await page.close();
  });
});
