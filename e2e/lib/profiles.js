// Profiles (as `livegate check` reads them) entered into the pre-check
// wizard control by control, the way a person would. Names a profile uses
// (ids, Chinese names, aliases) are resolved through the ruleset's own
// catalogue (`livegate rules show --format json`).
import { livegate } from "./harness.js";

export const catalogue = JSON.parse(livegate(["rules", "show", "--format", "json"]));

const norm = (s) => String(s).replace(/[《》【】\s\u3000]/g, "").toLowerCase();

function resolve(list, name) {
  const n = norm(name);
  const hit = list.find((e) => [e.id, e.name?.zh, e.name?.en, ...(e.aliases || [])].some((x) => x && norm(x) === n));
  if (!hit) throw new Error(`the catalogue has no entry for ${name}`);
  return hit;
}

/** The ruleset's id of a category, or null for one the ruleset does not
 * know (the wizard offers only the ruleset's categories; an unknown one
 * opens nothing, so leaving it out keeps the verdict). */
export function categoryId(first, second) {
  // A first level may be written with the name WeChat gave it before (教育 for 教育服务).
  const current = catalogue.first_levels.find((f) => f.name === first || f.aliases.includes(first))?.name ?? first;
  const label = `${first}/${second}`;
  return catalogue.categories.find((c) => (c.first === current && c.second === second) || c.aliases.includes(label))?.id ?? null;
}

/** Where a profile's controls are; `press` decides how a control is operated. */
export function controls(profile) {
  const steps = [];
  steps.push({ kind: "radio", selector: `input[name=subject][value="${resolve(catalogue.subject_types, profile.subject.type).id}"]` });
  if (profile.subject.name) steps.push({ kind: "text", selector: "#subject_name", value: profile.subject.name });
  if (profile.subject.credit_code) steps.push({ kind: "text", selector: "#credit_code", value: profile.subject.credit_code });
  for (const c of profile.categories || []) {
    const id = categoryId(c.first, c.second);
    if (!id) continue;
    // Added as on WeChat's own page: first → second level in the picker,
    // then the added category's card takes its status.
    steps.push({ kind: "select", selector: "#add-category", value: id });
    steps.push({ kind: "press", selector: 'button[name="do"][value="add"]', then: `[id="c.${id}"]` });
    steps.push({ kind: "select", selector: `[id="c.${id}"]`, value: c.status || "approved" });
  }
  for (const [field, list, values] of [["scenario", catalogue.scenarios, profile.scenarios], ["goods", catalogue.goods, profile.goods], ["service", catalogue.services, profile.services]]) {
    for (const v of values || []) steps.push({ kind: "check", selector: `input[name=${field}][value="${resolve(list, v).id}"]` });
  }
  if (profile.multi_merchant !== undefined) {
    steps.push({ kind: "radio", selector: `input[name=multi_merchant][value="${profile.multi_merchant ? "yes" : "no"}"]` });
  }
  return steps;
}

/** The document kinds some category's alternatives ask for. */
function askedDocuments() {
  const out = new Set();
  const walk = (e) => {
    if (e.Doc) out.add(catalogue.atoms[e.Doc.atom].doc);
    else if (e.Group !== undefined) walk(catalogue.groups[e.Group].expr);
    else for (const x of e.AllOf || e.AnyOf || []) walk(x);
  };
  for (const c of catalogue.categories) for (const a of c.alternatives) walk(a.expr);
  return out;
}

const asked = askedDocuments();

/** The documents' controls, once the checklist shows them. The checklist
 * offers only documents some category asks for; one no category asks for
 * (the culture licence since WeChat's list dropped it) counts for nothing,
 * so leaving it out keeps the verdict. */
export function documentControls(profile) {
  const steps = [];
  for (const d of profile.documents || []) {
    const doc = resolve(catalogue.documents, d.kind);
    if (!asked.has(catalogue.documents.indexOf(doc))) continue;
    const base = `d.${doc.id}`;
    steps.push({ kind: "check", selector: `input[name="${base}"]` });
    const fields = ["number", "holder", "valid_from", "valid_until"].filter((f) => d[f]);
    const attrs = doc.attributes.map((i) => catalogue.attributes[i]).filter((a) => d[a.id]);
    if (fields.length || attrs.length) steps.push({ kind: "open", selector: `li[id="doc-${doc.id}"] summary` });
    for (const f of fields) steps.push({ kind: "text", selector: `[id="${base}.${f}"]`, value: d[f] });
    for (const a of attrs) {
      for (const v of [].concat(d[a.id])) {
        steps.push({ kind: "check", selector: `input[name="${base}.${a.id}"][value="${resolve(a.values, v).id}"]` });
      }
    }
  }
  return steps;
}

/** Operates the controls with the mouse and Playwright's fill. */
export async function byMouse(page, steps) {
  for (const s of steps) {
    const el = page.locator(s.selector);
    if (s.kind === "radio" || s.kind === "check") await el.check();
    else if (s.kind === "select") await el.selectOption(s.value);
    else if (s.kind === "text") await el.fill(s.value);
    else if (s.kind === "press") {
      await el.click();
      await page.locator(s.then).waitFor();
    }
    else if (s.kind === "open") {
      const open = await el.evaluate((e) => e.parentElement.open);
      if (!open) await el.click();
    }
  }
}

/** Tabs forward until `selector` has the focus. */
async function tabTo(page, selector) {
  for (let i = 0; i < 600; i++) {
    if (await page.locator(selector).evaluate((e) => e === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Operates the controls from the keyboard alone, from the top of the page. */
export async function byKeyboard(page, steps) {
  for (const s of steps) {
    if (s.kind === "radio") {
      // A radio group is one tab stop; arrows move the choice within it.
      const name = /name=(\w+)/.exec(s.selector)[1];
      const group = `input[name=${name}]`;
      await tabToGroup(page, group);
      for (let i = 0; i < 12 && !(await page.locator(s.selector).isChecked()); i++) {
        const here = await page.locator(s.selector).evaluate((e) => e === document.activeElement);
        await page.keyboard.press(here ? "Space" : "ArrowRight");
      }
      if (!(await page.locator(s.selector).isChecked())) throw new Error(`arrows never chose ${s.selector}`);
      continue;
    }
    await tabTo(page, s.selector);
    if (s.kind === "check") { if (!(await page.locator(s.selector).isChecked())) await page.keyboard.press("Space"); }
    else if (s.kind === "open") { if (!(await page.locator(s.selector).evaluate((e) => e.parentElement.open))) await page.keyboard.press("Enter"); }
    else if (s.kind === "text") {
      const isDate = await page.locator(s.selector).evaluate((e) => e.type === "date");
      await page.keyboard.type(isDate ? await dateKeys(page, s.value) : s.value);
      if (isDate && (await page.locator(s.selector).inputValue()) !== s.value) throw new Error(`typing never set ${s.selector} to ${s.value}`);
    }
    else if (s.kind === "press") {
      await page.keyboard.press("Enter");
      await page.locator(s.then).waitFor();
    }
    else if (s.kind === "select") {
      // Arrows move the choice one enabled option at a time, up or down.
      const where = (v) => page.locator(s.selector).evaluate((e, v) => [...e.options].findIndex((o) => o.value === v), v);
      const target = await where(s.value);
      for (let i = 0; i < 80 && (await page.locator(s.selector).inputValue()) !== s.value; i++) {
        const here = await where(await page.locator(s.selector).inputValue());
        await page.keyboard.press(here < target ? "ArrowDown" : "ArrowUp");
      }
      if ((await page.locator(s.selector).inputValue()) !== s.value) throw new Error(`arrows never chose ${s.value} in ${s.selector}`);
    }
  }
}

/** The digits a person types into a date field, in the order its segments
 * come in this browser's locale (learnt once on a blank field). */
let order = null;
async function dateKeys(page, iso) {
  if (!order) {
    const probe = await page.context().newPage();
    await probe.setContent("<input type=date id=d>");
    await probe.focus("#d");
    await probe.keyboard.type("01022003");
    const v = await probe.inputValue("#d");
    order = v === "2003-01-02" ? "mdy" : v === "2003-02-01" ? "dmy" : "ymd";
    await probe.close();
  }
  const [y, m, d] = iso.split("-");
  return { mdy: m + d + y, dmy: d + m + y, ymd: y + m + d }[order];
}

async function tabToGroup(page, group) {
  for (let i = 0; i < 600; i++) {
    if (await page.evaluate((g) => document.activeElement?.matches(g), group)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${group}`);
}

/** Submits the wizard from the keyboard: Enter on its button. */
export async function submitByKeyboard(page) {
  await tabTo(page, "form#precheck button[type=submit]:not([name])");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}
