// Smoke journey: with a panel configured the window opens on the dashboard,
// every screen is reachable from the navigation, the About box shows what
// the data dir really holds, and tickets full of hostile HTML (the XSS
// corpus) open without running or loading anything.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { cliJson, configuredDataDir, launchApp, navigate, screenshot, startFake, texts } from "../harness.mjs";
import { corpus, plant, startCanary } from "../xss.mjs";

let fake;
let app;
let canary;
let vectors;
let tickets;
let appEnv;
let crashFile;
before(async () => {
  fake = await startFake({ orders: 300, tickets: 10 });
  canary = await startCanary();
  vectors = corpus(canary.base);
  tickets = await plant(fake, vectors);
  const { dataDir, env } = configuredDataDir("Main", fake);
  appEnv = env;
  // The last run ended in a panic: its report waits in the logs folder.
  mkdirSync(join(dataDir, "logs"), { recursive: true });
  crashFile = join(dataDir, "logs", `crash-${Math.floor(Date.now() / 1000) - 3600}-4242-0.txt`);
  writeFileSync(crashFile, "Paneldesk 0.1.0 stopped: a panic.\nwhere: src-tauri/core/src/sync/engine/runner.rs:1:1\n");
  app = await launchApp({ dataDir, env });
});
after(async () => {
  await app?.close();
  await fake?.stop();
  await canary?.stop();
});

test("the window opens on the dashboard with the main navigation", async () => {
  const { browser } = app;
  // The screen names itself in the title once the UI has started.
  await browser.waitUntil(async () => (await browser.getTitle()) === "Dashboard · Paneldesk", {
    timeout: 15_000,
    timeoutMsg: "the window title never named the dashboard",
  });
  const nav = await browser.$('nav[aria-label="Main"]');
  await nav.waitForDisplayed({ timeout: 15_000 });
  const labels = await browser.execute(() =>
    Array.from(document.querySelectorAll('nav[aria-label="Main"] a'), (a) => a.textContent.trim()),
  );
  for (const screen of ["Dashboard", "Orders", "Tickets", "Users", "Payments", "Services", "Service health", "Panels", "Sync engine"]) {
    assert.ok(labels.includes(screen), `navigation lacks ${screen}: ${labels.join(", ")}`);
  }
  // The dashboard's totals are the synced cache's.
  const total = await browser.$('[data-testid="total-orders"]');
  await total.waitUntil(async () => (await total.getText()) === "300", {
    timeout: 10_000,
    timeoutMsg: "the dashboard never showed the 300 cached orders",
  });
  await screenshot(browser, "smoke-01-dashboard");
});

test("the window renders without accelerated compositing, which held 120 MB of the web process", async () => {
  // The app sets it for its WebKit processes unless the environment chose
  // (src-tauri/app/lib.rs, `software_rendering`); this run's did not.
  assert.equal(process.env.WEBKIT_DISABLE_COMPOSITING_MODE, undefined, "this run chose the compositing mode itself: unset it to test the app's default");
  const web = readdirSync("/proc").filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("WebKitWebProces") &&
        readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1] === String(app.pid());
    } catch {
      return false; // gone, or not ours to read
    }
  });
  assert.equal(web.length, 1, "the app's one web process");
  const environ = readFileSync(`/proc/${web[0]}/environ`, "utf8").split("\0");
  assert.ok(environ.includes("WEBKIT_DISABLE_COMPOSITING_MODE=1"), "the web process composites");
});

test("a crash report of the last run is offered once, and dismissed it stays in the logs folder", async () => {
  const { browser } = app;
  const notice = await browser.$('[data-testid="crash-notice"]');
  await notice.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the crash report was not offered" });
  assert.match(await notice.getText(), /Paneldesk stopped unexpectedly .* holds no key and no customer text/);
  await (await browser.$('[data-testid="crash-dismiss"]')).click();
  await notice.waitForDisplayed({ reverse: true, timeout: 10_000 });
  assert.ok(!existsSync(crashFile) && existsSync(crashFile.replace(/\.txt$/, ".seen.txt")));
});

test("the navigation moves between screens and marks the current one", async () => {
  const { browser } = app;
  for (const [label, path] of [
    ["Orders", "/orders"],
    ["Local API keys", "/settings/local-api-keys"],
    ["Sync engine", "/settings/sync-engine"],
  ]) {
    await navigate(browser, label);
    const link = await (await browser.$('nav[aria-label="Main"]')).$(`a=${label}`);
    assert.equal(await link.getAttribute("aria-current"), "page");
    assert.ok((await browser.getUrl()).endsWith(path), await browser.getUrl());
  }
  await screenshot(browser, "smoke-02-sync-engine");
});

test("the About box shows the app and schema versions of the real data dir", async () => {
  const { browser, dataDir } = app;
  await (await browser.$('[data-testid="about-button"]')).click();
  const dialog = await browser.$('[data-testid="about-dialog"]');
  await dialog.waitForDisplayed({ timeout: 5_000 });
  const cacheVersion = await browser.$('[data-testid="cache-schema-version"]');
  await cacheVersion.waitUntil(async () => /^\d+$/.test(await cacheVersion.getText()), {
    timeout: 5_000,
    timeoutMsg: "the About box never showed the schema version",
  });

  // The CLI reads the same data dir by another code path: both must agree.
  const info = cliJson(["--data-dir", dataDir, "info"]);
  assert.equal(Number(await cacheVersion.getText()), info.cache_schema_version);
  assert.equal(Number(await (await browser.$('[data-testid="local-schema-version"]')).getText()), info.local_schema_version);
  assert.equal(await (await browser.$('[data-testid="app-version"]')).getText(), info.version);
  assert.equal(await (await browser.$('[data-testid="data-dir"]')).getText(), dataDir);
  await screenshot(browser, "smoke-03-about");
});

test("tickets holding the XSS corpus open one after another (j) and nothing runs or loads", async () => {
  const { browser } = app;
  assert.ok(vectors.length >= 200, `${vectors.length} vectors`);
  // The About box of the test before closes with Esc.
  await browser.keys(["Escape"]);
  await (await browser.$('[data-testid="about-dialog"]')).waitForDisplayed({ reverse: true, timeout: 5_000 });
  await navigate(browser, "Tickets");
  const first = await browser.$('[data-testid="table-row"]');
  await first.waitForDisplayed({ timeout: 10_000 });
  await first.click();
  const perTicket = Math.floor(vectors.length / tickets.length);
  const seen = new Set();
  for (let i = 0; i < tickets.length; i++) {
    const title = await browser.$('[data-testid="detail-title"]');
    await title.waitUntil(async () => /^Ticket #\d+$/.test(await title.getText()) && !seen.has(await title.getText()), {
      timeout: 10_000,
      timeoutMsg: `ticket ${i + 1} did not open`,
    });
    seen.add(await title.getText());
    // Every planted message is shown (as text and inert markup).
    await browser.waitUntil(async () => (await texts(browser, '[data-testid="message"]')).length >= perTicket, {
      timeout: 10_000,
      timeoutMsg: `${await title.getText()} did not show its messages`,
    });
    const state = await browser.execute(() => ({
      pwned: "__pwned" in window,
      scripts: document.querySelectorAll('[data-testid="message-body"] script, [data-testid="message-body"] iframe, [data-testid="message-body"] img, [data-testid="message-body"] svg, [data-testid="message-body"] [href], [data-testid="message-body"] [src]').length,
      handlers: Array.from(document.querySelectorAll('[data-testid="message-body"] *')).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith("on") || a.name === "style")).length,
    }));
    assert.equal(state.pwned, false, `a vector ran in ${await title.getText()}`);
    assert.equal(state.scripts, 0, "no element that runs or loads reached the page");
    assert.equal(state.handlers, 0, "no event handler or style attribute reached the page");
    assert.deepEqual(canary.hits, [], "no vector requested the canary");
    if (i === 0) await screenshot(browser, "smoke-04-hostile-ticket");
    if (i < tickets.length - 1) await browser.keys(["j"]);
  }
  assert.equal(seen.size, tickets.length);
  // Anything still loading would have reached the canary by the time the
  // window has rendered every ticket; the window itself fetched nothing from it.
  const loaded = await browser.execute(() => performance.getEntriesByType("resource").map((e) => e.name));
  assert.ok(!loaded.some((u) => u.includes("/hit/")), loaded.join("\n"));
  assert.deepEqual(canary.hits, []);
});

test("a second launch on the same data dir hands over to the open window and exits", async () => {
  const { browser, dataDir } = app;
  const second = spawn(process.env.APP_BIN, [], {
    env: { ...process.env, ...appEnv, PANELDESK_DATA_DIR: dataDir },
    stdio: "ignore",
  });
  const code = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      second.kill("SIGKILL");
      reject(new Error("the second launch did not exit: two windows on one data dir"));
    }, 20_000);
    second.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0);
  // The first window is still there and answers.
  assert.match(await browser.getTitle(), / · Paneldesk$/);
});
