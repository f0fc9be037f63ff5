// The review loop in a real Chromium: an editor makes an upload link, the
// merchant uploads two scans on a 360 px phone with no account, the review
// queue shows them, the editor verifies one by keyboard and rejects the
// other with a reason, and the applicant's report follows. axe is clean on
// the merchant's page and the queue.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, launch, shoot, signIn, startServer } from "../lib/harness.js";

// A real 1×1 PNG: the browser previews it as an image.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

async function api(server, token, method, p, body) {
  const res = await fetch(`${server.url}${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The car dealer of the examples, without its documents: its plan's path
 * needs a business licence and a vehicle manufacturer's permit. */
function dealer() {
  const p = JSON.parse(readFileSync(path.join(ROOT, "examples/car-dealer-presale.json"), "utf8"));
  delete p.documents;
  delete p.id;
  return { ...p, appid: "wx00000000000000d1", name: "示例汽车" };
}

/** The plan's path's missing documents and the documents not counted. */
async function missing(server, id) {
  const e = await api(server, server.tokens.editor, "POST", `/v1/applicants/${id}/evaluate`);
  const r = e.report;
  const p = r.paths.find((x) => x.id === r.plan_path);
  return { missing: p.missing_documents, held: (r.awaiting_review || []).map((a) => [a.kind, a.review]) };
}

describe("the review loop", () => {
  let server, browser;
  before(async () => { server = await startServer({ logLevel: "debug" }); browser = await launch(); });
  after(async () => { await browser?.close(); await server?.stop(); });

  test("a link, two scans at 360 px, a verified one and a rejected one, and the report follows", async () => {
    const { id } = await api(server, server.tokens.editor, "POST", "/v1/applicants", dealer());
    assert.deepEqual((await missing(server, id)).missing, ["business_license", "vehicle_manufacturer_permit"]);

    // 1. The editor makes a link on the applicant's page.
    const staff = await (await browser.newContext()).newPage();
    await signIn(staff, server.url, server.tokens.editor);
    await staff.goto(`${server.url}/applicants/${id}#links`);
    await staff.getByLabel("备注（仅同事可见）").fill("发给销售部李经理");
    await Promise.all([staff.waitForNavigation(), staff.getByRole("button", { name: "生成上传链接" }).click()]);
    const url = await staff.locator("#link-url").inputValue();
    assert.match(url, /\/u\/[0-9a-f]{48}$/);
    const secret = url.split("/u/")[1];

    // 2. The merchant uploads two scans on a phone, with no account.
    const phone = await (await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage();
    await phone.goto(url);
    assert.equal(await phone.locator("html").getAttribute("lang"), "zh-CN");
    const text = await phone.locator("main").textContent();
    assert.match(text, /《营业执照》/);
    assert.match(text, /持证主体须与小程序的主体一致/);
    assert.doesNotMatch(text, /李经理/, "a staff note never reaches the merchant");
    assert.equal(await phone.locator('a[href^="/applicants"]').count(), 0);
    await shoot(phone, "upload-link");
    for (const [kind, file] of [["business_license", "执照.png"], ["vehicle_manufacturer_permit", "许可.png"]]) {
      const card = phone.locator(`#need-${kind}`);
      await card.locator('input[type="file"]').setInputFiles({ name: file, mimeType: "image/png", buffer: PNG });
      await card.locator('input[name="holder"]').fill("成都示例汽车销售服务有限公司");
      // What WeChat asks of the licence: its scope, offered as on the staff's form.
      if (kind === "business_license") await card.getByLabel("汽车销售").check();
      await Promise.all([phone.waitForNavigation(), card.getByRole("button", { name: "上传" }).click()]);
      assert.match(await phone.locator("#sent").textContent(), /等待审核/);
    }
    assert.equal(await phone.locator("ul.uploads li").count(), 2);
    assert.deepEqual((await missing(server, id)).held.sort(), [["business_license", "submitted"], ["vehicle_manufacturer_permit", "submitted"]]);

    // 3. The queue shows both, oldest first, and reads at 360 px.
    await staff.goto(`${server.url}/reviews`);
    const items = staff.locator(".review-item");
    assert.equal(await items.count(), 2);
    assert.match(await items.nth(0).locator("h2").textContent(), /营业执照/);
    await shoot(staff, "review-queue");

    // 4. The business licence verified by keyboard (J, then V); the permit
    // rejected with a reason (R, typing, Enter).
    await staff.keyboard.press("j");
    await Promise.all([staff.waitForNavigation(), staff.keyboard.press("v")]);
    assert.equal(await items.count(), 1);
    await staff.keyboard.press("j");
    await staff.keyboard.press("r");
    await staff.keyboard.type("许可证已过期，请上传有效期内的许可证");
    await Promise.all([staff.waitForNavigation(), staff.keyboard.press("Enter")]);
    assert.equal(await items.count(), 0);
    assert.match(await staff.locator("main").textContent(), /没有待审核的扫描件/);

    // 5. The report follows: the verified licence counts, the rejected
    // permit does not, and the merchant sees why.
    const after = await missing(server, id);
    assert.deepEqual(after.missing, ["vehicle_manufacturer_permit"]);
    assert.deepEqual(after.held, [["vehicle_manufacturer_permit", "rejected"]]);
    await staff.goto(`${server.url}/applicants/${id}`);
    assert.match(await staff.locator("#report").textContent(), /许可证已过期/);
    const audit = await staff.locator("#audit").textContent();
    for (const words of ["商家（上传链接）", "商家上传资质文件", "核验资质文件", "驳回资质文件", "生成上传链接"]) {
      assert.ok(audit.includes(words), `the audit trail says ${words}`);
    }
    assert.doesNotMatch(audit, /lnk_|document\.|upload_link\./, "names, not ids");
    await phone.goto(url);
    assert.match(await phone.locator("#need-vehicle_manufacturer_permit").textContent(), /许可证已过期/);
    assert.equal(await phone.locator("#need-business_license").count(), 0, "nothing more is asked for the verified licence");

    // The secret was shown once: no page, answer or log line has it since.
    await staff.goto(`${server.url}/applicants/${id}`);
    assert.doesNotMatch(await staff.content(), new RegExp(secret));
    for (const p of [`/v1/applicants/${id}/upload-links`, "/v1/audit", `/v1/applicants/${id}/documents`, "/v1/reviews"]) {
      const token = p === "/v1/audit" ? server.tokens.admin : server.tokens.editor;
      assert.doesNotMatch(JSON.stringify(await api(server, token, "GET", p)), new RegExp(secret), p);
    }
    assert.match(server.logs(), /\/u\/…/, "the log names the merchant's requests");
    assert.doesNotMatch(server.logs(), new RegExp(secret), "the log never has the secret");
  });
});
