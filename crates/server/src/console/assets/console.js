// livegate console: progressive enhancement only. Every page works without
// this file; with it, the pre-check result follows the form as it changes,
// the category list can be filtered, and copy and print buttons appear.
"use strict";

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// Show the controls that need this script.
function reveal() {
  document.querySelectorAll(".js-only[hidden], [data-print][hidden], [data-copy][hidden]")
    .forEach((el) => { el.hidden = false; });
}

// A search box with data-filter hides the rows that do not match; one with
// data-picker narrows the options of the category picker (and hides a
// first level with nothing left).
function filters() {
  document.querySelectorAll("input[data-filter]").forEach((input) => {
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase();
      document.querySelectorAll(input.dataset.filter).forEach((row) => {
        const text = (row.dataset.search || row.textContent).toLowerCase();
        row.hidden = q !== "" && !text.includes(q);
      });
    });
  });
  document.querySelectorAll("input[data-picker]").forEach((input) => {
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase();
      const select = document.querySelector(input.dataset.picker);
      if (!select) return;
      select.querySelectorAll("optgroup").forEach((group) => {
        let shown = 0;
        group.querySelectorAll("option").forEach((o) => {
          const text = (o.dataset.search || o.textContent).toLowerCase() + " " + group.label.toLowerCase();
          o.hidden = q !== "" && !text.includes(q);
          if (!o.hidden) shown++;
        });
        group.hidden = shown === 0;
      });
    });
  });
}

// The form's fields as a query: empty ones say nothing the server needs,
// and the category buttons' fields count only when a button was pressed.
function queryOf(form, extra = []) {
  const pairs = [...new FormData(form)].filter(([k, v]) => v !== "" && k !== "add" && k !== "do");
  return new URLSearchParams(pairs.concat(extra)).toString();
}

// What the person has entered, by control, to carry into fresh copies of
// the form's parts (a checkbox may move from one part to another).
function snapshot(form) {
  const state = new Map();
  form.querySelectorAll("input[name], select[name], textarea[name]").forEach((el) => {
    if (el.type === "checkbox" || el.type === "radio") state.set(`${el.name}=${el.value}`, el.checked);
    else if (el.name !== "add") state.set(el.name, el.value);
  });
  return state;
}

function restore(part, state) {
  part.querySelectorAll("input[name], select[name], textarea[name]").forEach((el) => {
    const key = el.type === "checkbox" || el.type === "radio" ? `${el.name}=${el.value}` : el.name;
    if (!state.has(key)) return;
    if (el.type === "checkbox" || el.type === "radio") el.checked = state.get(key);
    else el.value = state.get(key);
  });
}

// Replaces a part of the form whose key changed, keeping what the person
// entered since the request left and where the focus was.
function replacePart(doc, selector, state) {
  const fresh = doc.querySelector(selector);
  const old = document.querySelector(selector);
  if (!fresh || !old || fresh.dataset.key === old.dataset.key) return;
  restore(fresh, state);
  const focused = document.activeElement && old.contains(document.activeElement) ? document.activeElement : null;
  old.replaceWith(fresh);
  if (focused && focused.name) {
    const twin = fresh.querySelector(`[name="${CSS.escape(focused.name)}"]${focused.type === "checkbox" ? `[value="${CSS.escape(focused.value)}"]` : ""}`);
    if (twin) twin.focus();
  }
}

// The result follows the form: the server evaluates the same GET the submit
// button would send, and the result, the category cards and the checklist
// (when the categories in play changed) are swapped in. The category
// buttons (add, remove) are sent at once, with their field.
function live(form) {
  let seq = 0;
  // Category buttons pressed whose answer is not on the page yet: every
  // request carries them until one that did is shown.
  let pending = [];
  let afters = [];
  const run = async () => {
    const mine = ++seq;
    const sent = pending.slice();
    try {
      const res = await fetch(form.dataset.live + "?" + queryOf(form, sent), { headers: { "Accept": "text/html" } });
      if (mine !== seq) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const state = snapshot(form);
      swap(doc, "#result");
      const bar = doc.querySelector("#verdict-bar");
      const oldBar = document.querySelector("#verdict-bar");
      if (bar && oldBar && bar.textContent !== oldBar.textContent) oldBar.innerHTML = bar.innerHTML;
      replacePart(doc, "#chosen-categories", state);
      replacePart(doc, "#step-documents", state);
      pickerState(form);
      pending = pending.filter((p) => !sent.includes(p));
      const done = afters.splice(0);
      done.forEach((f) => f());
      history.replaceState(null, "", "?" + queryOf(form));
      keepLanguageSwitch();
      marks();
      document.dispatchEvent(new CustomEvent("livegate:updated"));
    } catch (e) {
      // The submit button still works; nothing to do.
    }
  };
  const update = debounce(run, 120);
  const counts = (ev) => ev.target.name && ev.target.name !== "add";
  form.addEventListener("input", (ev) => { if (counts(ev)) update(); });
  form.addEventListener("change", (ev) => { marks(); if (counts(ev)) update(); });
  form.addEventListener("click", (ev) => {
    const button = ev.target.closest('button[name="do"]');
    if (!button) return;
    const picker = form.querySelector("#add-category");
    const [act, id] = button.value.includes(":") ? button.value.split(":") : [button.value, picker && picker.value];
    // Nothing chosen (or Enter in a field, which presses the first button):
    // the form is sent as it is, and the server adds nothing.
    if (!id) return;
    ev.preventDefault();
    pending.push(["do", `${act}:${id}`]);
    afters.push(() => {
      if (picker) picker.value = "";
      const target = act === "add" ? form.querySelector(`[name="c.${CSS.escape(id)}"]`) : picker;
      if (target) target.focus();
    });
    run();
  });
}

// An added category cannot be added twice: its option is disabled.
function pickerState(form) {
  const picker = form.querySelector("#add-category");
  if (!picker) return;
  picker.querySelectorAll("option[value]").forEach((o) => {
    if (o.value) o.disabled = !!form.querySelector(`[name="c.${CSS.escape(o.value)}"]`);
  });
}

// The language switch returns to this page as it is now, form and all.
function keepLanguageSwitch() {
  const link = document.querySelector("a.lang");
  if (!link) return;
  const url = new URL(link.href, location.href);
  url.searchParams.set("next", location.pathname + location.search);
  link.href = url.pathname + url.search;
}

// Each place a document is asked for, other than its checkbox's, says
// whether it is ticked, as the form is now.
function marks() {
  const step = document.querySelector("#step-documents");
  if (!step) return;
  document.querySelectorAll(".mark[data-doc]").forEach((mark) => {
    const box = document.querySelector(`input[type=checkbox][name="d.${CSS.escape(mark.dataset.doc)}"]`);
    if (!box) return;
    mark.dataset.held = box.checked;
    mark.textContent = box.checked ? step.dataset.ticked : step.dataset.notTicked;
  });
}

function swap(doc, selector) {
  const fresh = doc.querySelector(selector);
  const old = document.querySelector(selector);
  if (fresh && old) old.innerHTML = fresh.innerHTML;
  reveal();
}

// Buttons of the result: print and copy (delegated, as the result is swapped).
function buttons() {
  document.addEventListener("click", async (ev) => {
    const print = ev.target.closest("[data-print]");
    if (print) { window.print(); return; }
    const copy = ev.target.closest("[data-copy]");
    if (!copy) return;
    const source = document.querySelector(copy.dataset.copy);
    const status = copy.parentElement.querySelector(".copied");
    try {
      await navigator.clipboard.writeText(source ? source.textContent : "");
      if (status) status.textContent = copy.dataset.done || "✓";
    } catch (e) {
      if (status) status.textContent = copy.dataset.failed || "✗";
    }
  });
}

// Drag and drop onto a file input's drop zone.
function dropZones() {
  document.querySelectorAll(".drop").forEach((zone) => {
    const input = zone.querySelector("input[type=file]");
    if (!input) return;
    zone.addEventListener("dragover", (ev) => { ev.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (ev) => {
      ev.preventDefault();
      zone.classList.remove("over");
      if (ev.dataTransfer && ev.dataTransfer.files.length) input.files = ev.dataTransfer.files;
    });
  });
}

// A running batch job follows its progress in place (no page refresh, so
// focus and screen readers stay put), and shows its result when it ends.
function poll() {
  const box = document.querySelector("[data-poll]");
  if (!box) return;
  const text = box.querySelector("[data-progress-text]");
  const bar = box.querySelector("progress");
  const tick = async () => {
    try {
      const res = await fetch(box.dataset.poll, { headers: { "Accept": "application/json" } });
      const p = await res.json();
      if (p.state !== "running" && p.state !== "queued") { location.reload(); return; }
      if (text && text.textContent !== p.text) text.textContent = p.text;
      if (bar && p.total) { bar.max = p.total; bar.value = Math.min(p.done, p.total); }
    } catch (e) {
      // The link beside the bar still works.
    }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}

// The review queue by keyboard: J / K move between scans, V verifies the
// current one, R goes to its reason (Enter there rejects). Keys typed into a
// field are the field's.
function reviewKeys() {
  const list = document.querySelector("[data-shortcuts=review]");
  if (!list) return;
  const items = () => [...list.querySelectorAll(".review-item")];
  const current = () => items().find((i) => i.contains(document.activeElement)) || null;
  const go = (step) => {
    const all = items();
    if (!all.length) return;
    const at = all.indexOf(current());
    const next = all[Math.max(0, Math.min(all.length - 1, at < 0 ? 0 : at + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  };
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest("input, textarea, select")) return;
    const key = e.key.toLowerCase();
    const item = current() || items()[0];
    if (key === "j") { e.preventDefault(); go(1); }
    else if (key === "k") { e.preventDefault(); go(-1); }
    else if (key === "v" && item) { e.preventDefault(); item.querySelector("[data-shortcut=verify]")?.click(); }
    else if (key === "r" && item) { e.preventDefault(); item.querySelector("[data-shortcut=reason]")?.focus(); }
  });
}

// A field to copy from (an upload link's address) is selected whole on focus.
function selectAll() {
  for (const f of document.querySelectorAll("[data-select-all]")) {
    f.addEventListener("focus", () => f.select());
  }
}

document.addEventListener("DOMContentLoaded", () => {
  reviewKeys();
  selectAll();
  poll();
  reveal();
  filters();
  buttons();
  dropZones();
  const form = document.querySelector("form[data-live]");
  if (form) live(form);
});
