// When the command line owns the sync (`paneldesk-cli sync --watch`), the
// window says so, browses, follows what the other process writes, and
// leaves its replies in the outbox for that process to send.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, configuredDataDir, launchApp, navigate, screenshot, startFake, texts, typeInto } from "../harness.mjs";

let fake;
let app;
let watcher;
let dataDir;
before(async () => {
  fake = await startFake({ orders: 2000, tickets: 10 });
  const configured = configuredDataDir("Main", fake);
  dataDir = configured.dataDir;
  watcher = spawn(process.env.CLI_BIN, ["--data-dir", dataDir, "sync", "--watch"], {
    env: { ...process.env, ...configured.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // What the CLI says, so a failure to start names its cause.
  let stderr = "";
  watcher.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  // Until the CLI holds the sync lock: its owner writes its pid in the
  // file once it holds it. (Probing with a lock attempt of our own raced
  // the CLI's single attempt: taken at that instant, the CLI gave up.)
  const lock = join(dataDir, "sync.lock");
  const owned = () => existsSync(lock) && readFileSync(lock, "utf8").includes(`(pid ${watcher.pid})`);
  const deadline = Date.now() + 30_000;
  while (!owned()) {
    if (watcher.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the CLI never took the sync lock (exit ${watcher.exitCode}): ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  app = await launchApp({ dataDir, env: configured.env });
});
after(async () => {
  await app?.close();
  watcher?.kill();
  await fake?.stop();
});

test("the window says another process syncs, and follows its writes", async () => {
  const { browser } = app;
  await browser.waitUntil(async () => (await browser.getTitle()) === "Dashboard · Paneldesk", { timeout: 15_000 });
  const total = await browser.$('[data-testid="total-orders"]');
  await total.waitUntil(async () => (await total.getText()) === "2,000", { timeout: 10_000 });

  await navigate(browser, "Sync engine");
  const note = await browser.$('[data-testid="sync-note"]');
  await note.waitForDisplayed({ timeout: 10_000 });
  assert.match(await note.getText(), /paneldesk-cli sync --watch/);
  await screenshot(browser, "cli-owner-01-note");

  // Another process writes the cache: the retention of one day removes the
  // finished orders (the fake's are weeks old). The window, which wrote
  // nothing, shows it without being asked.
  await navigate(browser, "Dashboard");
  cli(["--data-dir", dataDir, "retention", "--days", "1"]);
  await total.waitUntil(async () => Number((await total.getText()).replace(/,/g, "")) < 2000, {
    timeout: 15_000,
    timeoutMsg: "the window did not follow the other process's write",
  });
  await screenshot(browser, "cli-owner-02-followed");
});

test("a reply from the window that only reads is queued, says who sends it, and the command line sends it once", async () => {
  const { browser } = app;
  await navigate(browser, "Tickets");
  const row = await browser.$('[data-testid="table-row"]');
  await row.waitForDisplayed({ timeout: 10_000 });
  const ticket = await row.getAttribute("data-id");
  await row.click();
  await (await browser.$('[data-testid="ticket-workspace"]')).waitForDisplayed({ timeout: 10_000 });
  // The panel was added without a staff name: the reply box offers the fix.
  const fix = await browser.$('[data-testid="staff-fix"]');
  await fix.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await browser.$('[data-testid="reply-send"]')).isEnabled(), false);
  await typeInto(browser, "staff-input", "Mira");
  await (await browser.$('[data-testid="staff-save"]')).click();
  await fix.waitForDisplayed({ reverse: true, timeout: 10_000 });
  const box = await browser.$('[data-testid="reply-box"]');
  await box.click();
  await box.addValue("Sent by the sync owner (e2e).");
  await (await browser.$('[data-testid="reply-send"]')).click();
  const note = await browser.$('[data-testid="reply-note"]');
  await note.waitUntil(async () => /^Queued\. This window does not send: .*paneldesk-cli sync --watch/.test(await note.getText()), {
    timeout: 10_000,
    timeoutMsg: "the window did not say who sends the reply",
  });
  const replies = async () =>
    (await fetch(`${fake.url}/__fake/writes`, { headers: { "x-api-key": fake.key } }).then((r) => r.json())).filter((w) =>
      w.path.endsWith(`/tickets/${ticket}/reply`),
    );
  // The sidebar counts it until the owner sends it (which may already be done:
  // the command line's outbox runs every 10 s).
  await browser.waitUntil(
    async () => (await texts(browser, '[data-testid="badge-outbox"]')).join() === "1" || (await replies()).length > 0,
    { timeout: 10_000, timeoutMsg: "the sidebar never counted the queued reply" },
  );
  await screenshot(browser, "cli-owner-02b-queued");

  // The command line's outbox delivers it: the fake's record shows one reply.
  await browser.waitUntil(async () => (await replies()).length > 0, {
    timeout: 30_000,
    interval: 250,
    timeoutMsg: "the command line never sent the queued reply",
  });
  assert.equal((await replies()).length, 1);
  assert.equal((await replies())[0].body.message, "Sent by the sync owner (e2e).");
  assert.equal((await replies())[0].body.staff_name, "Mira");
  // The window hears of the other process's write: nothing is pending any more.
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="badge-outbox"]')).length === 0, {
    timeout: 15_000,
    timeoutMsg: "the outbox badge never cleared",
  });
});

test("when the command line stops, the window takes the sync over and says so", async () => {
  const { browser } = app;
  const stopped = new Promise((resolve) => watcher.once("exit", resolve));
  watcher.kill("SIGINT");
  await stopped;
  // The app holds the lock now: the file names it, and a lock attempt of ours fails.
  const lock = join(dataDir, "sync.lock");
  const deadline = Date.now() + 20_000;
  while (spawnSync("flock", ["-n", lock, "true"]).status === 0) {
    if (Date.now() > deadline) throw new Error("the app never took the sync lock");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await navigate(browser, "Sync engine");
  const note = await browser.$('[data-testid="sync-note"]');
  await note.waitUntil(async () => /this window syncs now/.test(await note.getText()), {
    timeout: 15_000,
    timeoutMsg: "the Sync engine screen never said the window took the sync over",
  });
  const syncNow = await browser.$('[data-testid="sync-now"]');
  assert.equal(await syncNow.isEnabled(), true);
  await screenshot(browser, "cli-owner-03-taken-over");

  // The engine is this window's now: "Verify now" starts a pass, whose
  // progress the screen shows from the engine's events.
  await (await browser.$('[data-testid="verify-now"]')).click();
  const status = await browser.$('[data-testid="verify-status"]');
  await status.waitForDisplayed({ timeout: 5_000 });
  assert.match(await status.getText(), /Verify started/);
  const progress = await browser.$('[data-testid="verify-progress"]');
  await progress.waitUntil(async () => /Verified Main: Tickets compared with the panel/.test(await progress.getText()), {
    timeout: 30_000,
    timeoutMsg: "the verify pass never reached its end on the screen",
  });
  await screenshot(browser, "cli-owner-04-verify");
});
