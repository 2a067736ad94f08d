// Smoke journey: the window opens, every screen is reachable from the
// navigation, and the About box shows what the data dir really holds.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { cliJson, launchApp, screenshot } from "../harness.mjs";

let app;
before(async () => {
  app = await launchApp();
});
after(async () => {
  await app?.close();
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
  await screenshot(browser, "smoke-01-dashboard");
});

test("the navigation moves between screens and marks the current one", async () => {
  const { browser } = app;
  for (const [label, path] of [["Orders", "/orders"], ["Service health", "/reports/service-health"], ["Sync engine", "/settings/sync-engine"]]) {
    const link = await (await browser.$('nav[aria-label="Main"]')).$(`a=${label}`);
    await link.click();
    const heading = await browser.$("main h1");
    await heading.waitUntil(async () => (await heading.getText()) === label, {
      timeout: 5_000,
      timeoutMsg: `the ${label} screen did not open`,
    });
    assert.equal(await link.getAttribute("aria-current"), "page");
    assert.ok((await browser.getUrl()).endsWith(path), await browser.getUrl());
    // A screen not built yet says so plainly.
    assert.match(await (await browser.$("main")).getText(), /Not built yet/);
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
