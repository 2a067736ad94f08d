// A panel added with a wrong key: the test says so plainly before saving,
// the saved panel shows the error and its fix, and the right key (kept in
// the real OS keychain) makes it connect.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { cliJson, ipcScanResult, launchApp, navigate, screenshot, startFake, startTrayHost, typeInto } from "../harness.mjs";

const WRONG_KEY = "wrong-key-1234";
let fake;
let app;
let tray;
before(async () => {
  fake = await startFake({ orders: 200, tickets: 5 });
  // The desktop's tray host, before the app, which registers its icon with it.
  tray = await startTrayHost();
  app = await launchApp({ ipcSecrets: [fake.key, WRONG_KEY] });
});
after(async () => {
  await app?.close();
  await fake?.stop();
  await tray?.stop();
});

test("testing a wrong key says it is wrong and how to fix it", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="welcome-screen"]')).waitForDisplayed({ timeout: 15_000 });
  await (await browser.$('[data-testid="connect-panel"]')).click();
  await typeInto(browser, "panel-name", "Shop");
  await typeInto(browser, "panel-url", fake.url);
  await typeInto(browser, "panel-admin-key", WRONG_KEY);
  await (await browser.$('[data-testid="panel-test"]')).click();
  const outcome = await browser.$('[data-testid="panel-form-outcome"]');
  await outcome.waitUntil(async () => /Wrong API key/.test(await outcome.getText()), {
    timeout: 20_000,
    timeoutMsg: "the test of a wrong key did not say so",
  });
  assert.ok((await (await browser.$('[data-testid="panel-form-error-fix"]')).getText()).length > 0, "a fix is offered");
  await screenshot(browser, "panels-01-wrong-key-test");
});

test("the saved panel shows its auth error, and the right key connects it", async () => {
  const { browser, dataDir } = app;
  await (await browser.$('[data-testid="panel-save"]')).click();
  await browser.waitUntil(async () => (await browser.getTitle()) === "Dashboard · Paneldesk", {
    timeout: 15_000,
    timeoutMsg: "saving the panel did not leave the welcome screen",
  });
  await navigate(browser, "Panels");
  const status = await browser.$('[data-testid="panel-row"][data-panel-name="Shop"] [data-testid="panel-status"]');
  // The sync the engine starts for a new panel meets the wrong key.
  await status.waitUntil(async () => (await status.getAttribute("data-status")) === "auth_error", {
    timeout: 30_000,
    timeoutMsg: "the panel never showed its auth error",
  });
  const error = await browser.$('[data-testid="panel-row"][data-panel-name="Shop"] [data-testid="panel-last-error"]');
  assert.match(await error.getText(), /key/i);
  await screenshot(browser, "panels-02-auth-error");

  await (await browser.$('[data-testid="panel-row"][data-panel-name="Shop"] [data-testid="panel-edit"]')).click();
  await typeInto(browser, "panel-admin-key", fake.key);
  await (await browser.$('[data-testid="panel-save"]')).click();
  await (await browser.$('[data-testid="panel-row"][data-panel-name="Shop"] [data-testid="panel-test-row"]')).click();
  await status.waitUntil(async () => (await status.getAttribute("data-status")) === "connected", {
    timeout: 30_000,
    timeoutMsg: "the right key did not connect the panel",
  });
  await screenshot(browser, "panels-03-connected");

  // The CLI reads the same configuration: connected, the key's last 4 only.
  const [panel] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  assert.equal(panel.status, "connected");
  assert.equal(panel.admin_key_last4, fake.key.slice(-4));
  assert.equal(panel.last_error, null);

  // Both settings changes are in the activity log, from this device; the key never is.
  const log = cliJson(["--data-dir", dataDir, "log"]);
  const mine = log.filter((r) => r.panel_name === "Shop").map((r) => [r.action, r.details]);
  assert.deepEqual(mine, [
    ["panel_key", "replaced: admin key"],
    ["panel", "added"],
  ]);
  assert.ok(!JSON.stringify(log).includes(fake.key));
  assert.ok(!JSON.stringify(log).includes(WRONG_KEY));
});

test("the tray, as the desktop's tray host shows it: synced, the outbox empty, and its Sync now syncs", async () => {
  const pid = app.pid();
  const words = () => tray.menu(pid).map((i) => `${i.label}${i.enabled ? "" : " (status)"}`);
  assert.deepEqual(words(), ["Synced just now (status)", "Outbox: empty (status)", "Sync now", "Open Paneldesk", "Quit"]);
  // Users are next due minutes from now: a users request proves the click.
  const requests = async () =>
    (await fetch(`${fake.url}/__fake/requests`, { headers: { "x-api-key": fake.key } }).then((r) => r.json())).filter((r) =>
      r.path.endsWith("/users"),
    ).length;
  const before = await requests();
  assert.ok(before > 0, "the first sync fetched the users");
  tray.click(pid, "Sync now");
  await app.browser.waitUntil(async () => (await requests()) > before, {
    timeout: 20_000,
    timeoutMsg: "Sync now in the tray did not sync the panel",
  });
});

test("neither key, the wrong one nor the right one, came back to the window over the IPC", async () => {
  const { answers, hits } = await ipcScanResult(app.browser);
  assert.ok(answers > 20, `only ${answers} answers were searched`);
  assert.deepEqual(hits, [], `keys in the answers of: ${hits.join(", ")}`);
});
