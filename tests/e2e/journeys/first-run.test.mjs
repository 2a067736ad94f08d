// First run: no panel -> the welcome screen -> the demo panel -> its sync
// visibly running -> orders filtered by status and service -> an order's
// detail -> its customer's detail.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { choose, launchApp, navigate, screenshot, texts } from "../harness.mjs";

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.close();
});

test("with no panel the window offers to connect one or explore the demo", async () => {
  const { browser } = app;
  await browser.waitUntil(async () => (await browser.getTitle()) === "Welcome · Paneldesk", {
    timeout: 15_000,
    timeoutMsg: "the first run did not open on the welcome screen",
  });
  await (await browser.$('[data-testid="welcome-screen"]')).waitForDisplayed();
  assert.ok(await (await browser.$('[data-testid="connect-panel"]')).isDisplayed());
  assert.ok(await (await browser.$('[data-testid="start-demo"]')).isDisplayed());
  await screenshot(browser, "first-run-01-welcome");
});

test("the demo panel starts, is labelled as demo, and its sync shows progress", async () => {
  const { browser } = app;
  await (await browser.$('[data-testid="start-demo"]')).click();
  await browser.waitUntil(async () => (await browser.getTitle()) === "Dashboard · Paneldesk", {
    timeout: 30_000,
    timeoutMsg: "the demo panel did not open the dashboard",
  });
  assert.ok(await (await browser.$('[data-testid="demo-badge"]')).isDisplayed());
  // The engine's events show each resource's progress while it runs.
  await browser.waitUntil(
    async () =>
      (await texts(browser, '[data-testid="sync-activity-item"]')).some((t) =>
        /^Demo panel · (services|users|payments|orders|tickets)\s*[\d,]+/.test(t),
      ),
    { timeout: 30_000, interval: 100, timeoutMsg: "no sync progress was shown" },
  );
  await screenshot(browser, "first-run-02-syncing");
  // Caught up: the progress is gone and the dashboard counts the demo's orders.
  const total = await browser.$('[data-testid="total-orders"]');
  await total.waitUntil(async () => Number((await total.getText()).replace(/,/g, "")) >= 40_000, {
    timeout: 120_000,
    interval: 500,
    timeoutMsg: "the demo's orders never reached the dashboard",
  });
  const rows = await texts(browser, '[data-testid="dashboard-panel"]');
  assert.match(rows[0], /Demo panel\s*Demo/);
  await screenshot(browser, "first-run-03-dashboard");
});

test("orders filter by status and service, then open an order and its customer", async () => {
  const { browser } = app;
  await navigate(browser, "Orders");
  const count = await browser.$('[data-testid="row-count"]');
  await count.waitUntil(async () => /^[\d,]+ orders$/.test(await count.getText()), { timeout: 10_000 });
  const all = Number((await count.getText()).replace(/\D/g, ""));

  await choose(browser, "filter-status", "completed");
  await count.waitUntil(async () => /match the filters/.test(await count.getText()), { timeout: 10_000 });
  const completed = Number((await count.getText()).replace(/\D/g, ""));
  assert.ok(completed > 0 && completed < all, `${completed} of ${all}`);
  await browser.waitUntil(
    async () => {
      const statuses = await browser.execute(() =>
        Array.from(document.querySelectorAll('[data-testid="table-row"] [data-status]'), (e) => e.dataset.status),
      );
      return statuses.length > 0 && statuses.every((s) => s === "completed");
    },
    { timeout: 10_000, timeoutMsg: "rows of another status stayed in the table" },
  );

  // The service filter offers the cached services; pick the one of the first row.
  const service = await browser.execute(() => {
    const cell = document.querySelector('[data-testid="table-row"] .td[title*=" · "]');
    return cell.title.split(" · ")[0];
  });
  await choose(browser, "filter-service_id", service);
  await count.waitUntil(async () => Number((await count.getText()).replace(/\D/g, "")) < completed, { timeout: 10_000 });
  await browser.waitUntil(
    async () => {
      const services = await texts(browser, '[data-testid="table-row"] .td[title*=" · "]');
      return services.length > 0 && services.every((s) => s.startsWith(`${service} · `));
    },
    { timeout: 10_000, timeoutMsg: "rows of another service stayed in the table" },
  );
  await screenshot(browser, "first-run-04-orders-filtered");

  const first = await browser.$('[data-testid="table-row"]');
  const id = await first.getAttribute("data-id");
  await first.click();
  const title = await browser.$('[data-testid="detail-title"]');
  await title.waitUntil(async () => (await title.getText()) === `Order #${id}`, { timeout: 10_000 });
  const fields = await browser.$('[data-testid="order-fields"]');
  await fields.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await fields.$("[data-status]")).getAttribute("data-status"), "completed");
  assert.match(await fields.getText(), new RegExp(`Service\\s*${service} · `));
  assert.match(await browser.getUrl(), new RegExp(`/orders\\?panel=\\d+&open=${id}$`));
  await screenshot(browser, "first-run-05-order-detail");

  const userLink = await browser.$('[data-testid="order-user-link"]');
  const username = await userLink.getText();
  await userLink.click();
  const name = await browser.$('[data-testid="user-username"]');
  await name.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await name.getText(), username);
  assert.match(await browser.getUrl(), /\/users\?panel=\d+&open=\d+$/);
  // The customer's orders include the one we came from.
  const orders = await texts(browser, '[data-testid="user-orders"] li');
  assert.ok(orders.length > 0);
  await screenshot(browser, "first-run-06-user-detail");
});

test("End reaches the oldest of the 40,000 orders and Home the newest, each in one step", async () => {
  const { browser } = app;
  await navigate(browser, "Orders");
  const firstRow = await browser.$('[data-testid="table-row"]');
  await firstRow.waitForDisplayed({ timeout: 10_000 });
  const newest = await firstRow.getAttribute("data-id");
  await browser.execute(() => document.querySelector('[data-testid="data-table"]').focus());
  await browser.keys(["End"]);
  // The fake's first order id: the oldest of the demo's orders.
  const oldest = await browser.$('[data-testid="table-row"][data-id="550000"]');
  await oldest.waitForDisplayed({ timeout: 10_000, timeoutMsg: "End did not reach the oldest order" });
  await screenshot(browser, "first-run-07-orders-end");
  await browser.keys(["Home"]);
  await browser.waitUntil(
    async () => (await (await browser.$('[data-testid="table-row"]')).getAttribute("data-id")) === newest,
    { timeout: 10_000, timeoutMsg: "Home did not come back to the newest order" },
  );
});
