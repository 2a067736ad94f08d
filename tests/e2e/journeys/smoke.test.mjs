// Smoke journey: with a panel configured the window opens on the dashboard,
// every screen is reachable from the navigation, and the About box shows
// what the data dir really holds.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { cliJson, configuredDataDir, launchApp, navigate, screenshot, startFake } from "../harness.mjs";

let fake;
let app;
before(async () => {
  fake = await startFake({ orders: 300, tickets: 10 });
  const { dataDir, env } = configuredDataDir("Main", fake);
  app = await launchApp({ dataDir, env });
});
after(async () => {
  await app?.close();
  await fake?.stop();
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

test("the navigation moves between screens and marks the current one", async () => {
  const { browser } = app;
  for (const [label, path, built] of [
    ["Orders", "/orders", true],
    ["Service health", "/reports/service-health", false],
    ["Sync engine", "/settings/sync-engine", true],
  ]) {
    await navigate(browser, label);
    const link = await (await browser.$('nav[aria-label="Main"]')).$(`a=${label}`);
    assert.equal(await link.getAttribute("aria-current"), "page");
    assert.ok((await browser.getUrl()).endsWith(path), await browser.getUrl());
    const text = await (await browser.$("main")).getText();
    // A screen not built yet says so plainly; a built one does not.
    assert.equal(/Not built yet/.test(text), !built, `${label}: ${text.slice(0, 200)}`);
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
