// The command palette jumps to an order by its ID; then the panel goes away
// and every screen keeps browsing the cache, saying it is offline.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { cli, configuredDataDir, launchApp, navigate, screenshot, startFake, texts, typeInto } from "../harness.mjs";

let fake;
let app;
let dataDir;
before(async () => {
  fake = await startFake({ orders: 3000, tickets: 30 });
  const configured = configuredDataDir("Main", fake);
  dataDir = configured.dataDir;
  app = await launchApp({ dataDir, env: configured.env });
});
after(async () => {
  await app?.close();
  await fake?.stop();
});

test("Ctrl+K then an order ID opens that order", async () => {
  const { browser } = app;
  await browser.waitUntil(async () => (await browser.getTitle()) === "Dashboard · Paneldesk", { timeout: 15_000 });
  // An order deep in the cache (not on the first page of any table).
  const csv = cli(["--data-dir", dataDir, "export", "orders", "--csv"]).trim().split("\n");
  const id = csv[1500].split(",")[1];
  await browser.keys(["Control", "k"]);
  const input = await browser.$('[data-testid="palette-input"]');
  await input.waitForDisplayed({ timeout: 5_000 });
  await input.addValue(id);
  const hit = await browser.$('[data-testid="palette-hit"][data-kind="order"]');
  await hit.waitForDisplayed({ timeout: 10_000 });
  assert.match(await hit.getText(), new RegExp(`Order #${id}`));
  await screenshot(browser, "palette-01-hit");
  await browser.keys(["Enter"]);
  const title = await browser.$('[data-testid="detail-title"]');
  await title.waitUntil(async () => (await title.getText()) === `Order #${id}`, {
    timeout: 10_000,
    timeoutMsg: "the palette did not open the order",
  });
  assert.match(await browser.getUrl(), new RegExp(`/orders\\?panel=\\d+&open=${id}$`));
  assert.equal(await browser.$('[data-testid="palette"]').isExisting(), false, "the palette closed");
  await screenshot(browser, "palette-02-order");
});

test("with the panel gone the app says offline and still browses the cache", async () => {
  const { browser } = app;
  const connectivity = await browser.$('[data-testid="connectivity"]');
  assert.equal(await connectivity.getAttribute("data-state"), "online");
  await fake.stop();
  await navigate(browser, "Sync engine");
  await (await browser.$('[data-testid="sync-now"]')).click();
  await connectivity.waitUntil(async () => (await connectivity.getAttribute("data-state")) === "offline", {
    timeout: 60_000,
    timeoutMsg: "the app never noticed the panel was unreachable",
  });
  assert.match(await connectivity.getText(), /Offline[\s\S]*Showing cached data · last synced/);
  await screenshot(browser, "offline-01-sync-engine");

  await navigate(browser, "Orders");
  const count = await browser.$('[data-testid="row-count"]');
  await count.waitUntil(async () => (await count.getText()) === "3,000 orders", { timeout: 10_000 });
  const user = (await texts(browser, '[data-testid="table-row"] .td[data-column="user"]'))[0];
  await typeInto(browser, "filter-text", user);
  await count.waitUntil(async () => /match the filters/.test(await count.getText()), { timeout: 10_000 });
  await browser.waitUntil(
    async () => {
      const users = await texts(browser, '[data-testid="table-row"] .td[data-column="user"]');
      return users.length > 0 && users.every((u) => u === user);
    },
    { timeout: 10_000, timeoutMsg: "the offline filter did not narrow the orders" },
  );
  await (await browser.$('[data-testid="table-row"]')).click();
  await (await browser.$('[data-testid="order-fields"]')).waitForDisplayed({ timeout: 10_000 });
  await screenshot(browser, "offline-02-orders");

  await navigate(browser, "Dashboard");
  const total = await browser.$('[data-testid="total-orders"]');
  await total.waitUntil(async () => (await total.getText()) === "3,000", { timeout: 10_000 });
  await screenshot(browser, "offline-03-dashboard");
});
