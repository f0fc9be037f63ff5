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

// A search box with data-filter hides the rows that do not match.
function filters() {
  document.querySelectorAll("input[data-filter]").forEach((input) => {
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase();
      document.querySelectorAll(input.dataset.filter).forEach((row) => {
        const text = (row.dataset.search || row.textContent).toLowerCase();
        row.hidden = q !== "" && !text.includes(q);
      });
      // A group opens when the search finds something in it; with the box
      // empty, the groups with a chosen category stay open.
      document.querySelectorAll("details.first-level").forEach((group) => {
        const found = [...group.querySelectorAll(input.dataset.filter)].some((row) => !row.hidden);
        group.hidden = q !== "" && !found;
        group.open = q !== "" ? found : group.open || group.dataset.chosen !== "0";
      });
    });
  });
}

// The result follows the form: the server evaluates the same GET the submit
// button would send, and the result (and the checklist, when the categories
// in play changed) is swapped in.
function live(form) {
  let seq = 0;
  const update = debounce(async () => {
    // Empty fields say nothing the server needs: leave them out of the address.
    const query = new URLSearchParams([...new FormData(form)].filter(([, v]) => v !== "")).toString();
    const mine = ++seq;
    try {
      const res = await fetch(form.dataset.live + "?" + query, { headers: { "Accept": "text/html" } });
      if (mine !== seq) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      swap(doc, "#result");
      const bar = doc.querySelector("#verdict-bar");
      const oldBar = document.querySelector("#verdict-bar");
      if (bar && oldBar && bar.textContent !== oldBar.textContent) oldBar.innerHTML = bar.innerHTML;
      const fresh = doc.querySelector("#step-documents");
      const old = document.querySelector("#step-documents");
      if (fresh && old && fresh.dataset.key !== old.dataset.key) {
        // The answer may be older than the person's last tick: keep what
        // the form holds now, and where the focus was.
        carry(old, fresh);
        const focused = document.activeElement && old.contains(document.activeElement) ? document.activeElement : null;
        old.replaceWith(fresh);
        if (focused && focused.name) {
          const twin = fresh.querySelector(`[name="${CSS.escape(focused.name)}"]${focused.type === "checkbox" ? `[value="${CSS.escape(focused.value)}"]` : ""}`);
          if (twin) twin.focus();
        }
      }
      history.replaceState(null, "", "?" + query);
      keepLanguageSwitch();
      marks();
      document.dispatchEvent(new CustomEvent("livegate:updated"));
    } catch (e) {
      // The submit button still works; nothing to do.
    }
  }, 120);
  form.addEventListener("input", update);
  form.addEventListener("change", () => { marks(); update(); });
}

// The language switch returns to this page as it is now, form and all.
function keepLanguageSwitch() {
  const link = document.querySelector("a.lang");
  if (!link) return;
  const url = new URL(link.href, location.href);
  url.searchParams.set("next", location.pathname + location.search);
  link.href = url.pathname + url.search;
}

// Copies what the person entered in one copy of the form's controls into another.
function carry(from, to) {
  from.querySelectorAll("input[name], select[name], textarea[name]").forEach((el) => {
    const name = CSS.escape(el.name);
    if (el.type === "checkbox" || el.type === "radio") {
      const twin = to.querySelector(`input[name="${name}"][value="${CSS.escape(el.value)}"]`);
      if (twin) twin.checked = el.checked;
    } else {
      const twin = to.querySelector(`[name="${name}"]`);
      if (twin) twin.value = el.value;
    }
  });
}

// Each document of the checklist says whether it is ticked, as the form is now.
function marks() {
  const step = document.querySelector("#step-documents");
  if (!step) return;
  step.querySelectorAll('.qual a[href^="#doc-"]').forEach((a) => {
    const box = document.querySelector(`#${CSS.escape(a.getAttribute("href").slice(1))} input[value=on]`);
    const li = a.closest("li");
    const mark = li && li.querySelector(".mark");
    if (!box || !mark) return;
    li.className = box.checked ? "held" : "lacking";
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

document.addEventListener("DOMContentLoaded", () => {
  poll();
  reveal();
  filters();
  buttons();
  dropZones();
  const form = document.querySelector("form[data-live]");
  if (form) live(form);
});
