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
    });
  });
}

// The result follows the form: the server evaluates the same GET the submit
// button would send, and the result (and the checklist, when the categories
// in play changed) is swapped in.
function live(form) {
  let seq = 0;
  const update = debounce(async () => {
    const query = new URLSearchParams(new FormData(form)).toString();
    const mine = ++seq;
    try {
      const res = await fetch(form.dataset.live + "?" + query, { headers: { "Accept": "text/html" } });
      if (mine !== seq) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      swap(doc, "#result");
      const fresh = doc.querySelector("#step-documents");
      const old = document.querySelector("#step-documents");
      if (fresh && old && fresh.dataset.key !== old.dataset.key) old.replaceWith(fresh);
      history.replaceState(null, "", "?" + query);
      document.dispatchEvent(new CustomEvent("livegate:updated"));
    } catch (e) {
      // The submit button still works; nothing to do.
    }
  }, 120);
  form.addEventListener("input", update);
  form.addEventListener("change", update);
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

document.addEventListener("DOMContentLoaded", () => {
  reveal();
  filters();
  buttons();
  dropZones();
  const form = document.querySelector("form[data-live]");
  if (form) live(form);
});
