// The e2e harness: a real `livegate serve` on a free loopback port with its
// own data directory and tokens, Debian's headless Chromium driven by
// playwright-core, axe-core injected into every page, and screenshots at
// 360 px and 1440 px under target/e2e/.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN = process.env.LIVEGATE_BIN || path.join(ROOT, "target/debug/livegate");
export const SHOTS = path.join(ROOT, "target/e2e");
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs the livegate binary; its stdout, trimmed. */
export function livegate(args, opts = {}) {
  return execFileSync(BIN, args, { encoding: "utf8", ...opts }).trim();
}

/** A server with tenants `acme` (editor, viewer and admin tokens) and
 * `other`. With `logLevel`, its log is kept and `logs()` gives it. */
export async function startServer({ logLevel } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "livegate-e2e-"));
  const admin = (...a) => livegate([...a, "--data-dir", dir], { stdio: ["ignore", "pipe", "ignore"] });
  admin("admin", "create-tenant", "acme");
  admin("admin", "create-tenant", "other");
  const tokens = {
    editor: admin("admin", "create-token", "--tenant", "acme", "--role", "editor"),
    viewer: admin("admin", "create-token", "--tenant", "acme", "--role", "viewer"),
    admin: admin("admin", "create-token", "--tenant", "acme", "--role", "admin"),
    other: admin("admin", "create-token", "--tenant", "other", "--role", "editor"),
  };
  const proc = spawn(BIN, ["serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--log-level", logLevel || "warn"], {
    stdio: ["ignore", "pipe", logLevel ? "pipe" : "inherit"],
  });
  let log = "";
  proc.stdout.on("data", (d) => { log += d.toString(); });
  proc.stderr?.on("data", (d) => { log += d.toString(); });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("livegate serve did not start in 30 s")), 30_000);
    proc.stdout.on("data", (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(d.toString());
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on("exit", (code) => reject(new Error(`livegate serve exited with ${code}`)));
  });
  const stop = async () => {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, dir, tokens, stop, logs: () => log };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** axe-core on the page: no serious or critical violation. */
export async function axe(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
  // Serious and critical faults, and headings that skip a level (moderate
  // in axe, but a screen reader's outline of the page depends on it).
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "heading-order");
  assert.deepEqual(bad, [], `axe on ${name}: ${JSON.stringify(bad, null, 1)}`);
}

/** Screenshots at 360 px and 1440 px, and axe at both widths. */
export async function shoot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [360, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    await axe(page, `${name} at ${width} px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name} at ${width} px scrolls sideways by ${overflow} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A picture of one part of a page for the README, on a screen tall enough
 * that nothing in it scrolls. */
export async function picture(page, selector, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 2400 });
  await page.locator(selector).screenshot({ path: path.join(SHOTS, `${name}.png`) });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Signs a context in with a token through the sign-in page. */
export async function signIn(page, url, token) {
  await page.goto(`${url}/signin`);
  await page.getByLabel(/令牌|Token/).fill(token);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /^(登录|Sign in)$/ }).click()]);
}
