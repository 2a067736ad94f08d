// First run: no panel -> the welcome screen -> the demo panel -> its sync
// visibly running -> orders filtered by status and service -> an order's
// detail -> its customer's detail -> a template -> a waiting ticket answered
// -> an AI provider and preset -> a ticket analysed, drafted, shortened, sent
// -> money and orders -> the staff directory, the app lock, an import, a
// payment from Payments, checked orders acted on -> the activity log -> the
// report screens -> a rival watched -> the desktop notifications.

import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  choose,
  cliJson,
  freePort,
  ipcScanResult,
  launchApp,
  navigate,
  screenshot,
  startFake,
  startFakeAi,
  startNotificationDaemon,
  startUpdateServer,
  texts,
  typeInto,
} from "../harness.mjs";

const DEMO_ADMIN_KEY = "paneldesk-demo-admin-key";
const DEMO_SERVICES_KEY = "paneldesk-demo-services-key";
const FAKE_AI_KEY = "fake-ai-key-0000";
const RIVAL_KEY = "rival-key-e2e-4242";

let app;
let fakeAi;
let rival;
let notifier;
let updates;
before(async () => {
  // The desktop's notification server, on this run's D-Bus, before the app starts.
  notifier = await startNotificationDaemon();
  // An update server with a throwaway key: the app trusts it (a debug build only).
  updates = await startUpdateServer();
  app = await launchApp({
    env: { PANELDESK_UPDATE_ENDPOINT: `${updates.url}/newer/latest.json`, PANELDESK_UPDATE_PUBKEY: updates.pubkey },
    // Every key this journey's panels, AI and rival use: none may reach the window.
    ipcSecrets: [DEMO_ADMIN_KEY, DEMO_SERVICES_KEY, FAKE_AI_KEY, RIVAL_KEY],
  });
});
after(async () => {
  await app?.close();
  await fakeAi?.stop();
  await rival?.stop();
  await notifier?.stop();
  await updates?.stop();
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

test("a waiting ticket is answered from a template: the reply is in the thread, on the panel, in the log, and it no longer waits", async () => {
  const { browser, dataDir } = app;
  // Settings › Templates: a saved reply.
  await navigate(browser, "Templates");
  await (await browser.$('[data-testid="template-new"]')).click();
  await typeInto(browser, "template-title", "Refill started");
  await typeInto(browser, "template-body", "Hi {{customer}}, your refill has started. {{staff}}");
  await (await browser.$('[data-testid="template-save"]')).click();
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="templates-list"] strong')).includes("Refill started"), {
    timeout: 10_000,
    timeoutMsg: "the template was not saved",
  });

  // The ticket that has waited longest, from the dashboard.
  await navigate(browser, "Dashboard");
  const waitingLink = await browser.$('[data-testid="waiting-tickets"] a');
  await waitingLink.waitForDisplayed({ timeout: 10_000 });
  const ticket = (await waitingLink.getText()).replace("#", "");
  await waitingLink.click();
  const title = await browser.$('[data-testid="detail-title"]');
  await title.waitUntil(async () => (await title.getText()) === `Ticket #${ticket}`, { timeout: 10_000 });
  await (await browser.$('[data-testid="ticket-waiting"]')).waitForDisplayed({ timeout: 10_000 });
  const before = (await texts(browser, '[data-testid="message"]')).length;
  assert.ok(before > 0, "the conversation is cached");
  // The list's "waiting for us" filter keeps it, with nothing but waiting tickets.
  await (await browser.$('[data-testid="filter-waiting"]')).click();
  const count = await browser.$('[data-testid="row-count"]');
  await count.waitUntil(async () => /match the filters/.test(await count.getText()), { timeout: 10_000 });
  await typeInto(browser, "filter-text", ticket);
  await count.waitUntil(async () => (await count.getText()).startsWith("1 ticket"), { timeout: 10_000 });
  await (await browser.$(`[data-testid="table-row"][data-id="${ticket}"]`)).waitForDisplayed({ timeout: 10_000 });

  // Insert the template, edit it, send with Ctrl+Enter.
  await (await browser.$('[data-testid="template-picker"]')).click();
  await typeInto(browser, "template-search", "refill");
  await browser.keys(["Enter"]);
  const box = await browser.$('[data-testid="reply-box"]');
  await box.waitUntil(async () => /^Hi \S+, your refill has started\. demo_operator$/.test(await box.getValue()), {
    timeout: 10_000,
    timeoutMsg: "the template was not filled in from the ticket",
  });
  await box.click();
  await browser.keys(["Control", "End"]);
  await browser.keys(["Enter"]);
  await box.addValue("Thanks for waiting (e2e).");
  await screenshot(browser, "first-run-08-ticket-reply");
  await browser.keys(["Control", "Enter"]);
  const note = await browser.$('[data-testid="reply-note"]');
  await note.waitUntil(async () => (await note.getText()) === "Sent.", { timeout: 20_000, timeoutMsg: "the reply was not sent" });

  // In the thread: the newest message is ours, as staff.
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="message"]')).length === before + 1, {
    timeout: 10_000,
    timeoutMsg: "the reply did not appear in the thread",
  });
  const last = await browser.$$('[data-testid="message"]').then((m) => m[m.length - 1]);
  assert.equal(await last.getAttribute("data-staff"), "true");
  assert.match(await last.getText(), /demo_operator[\s\S]*Thanks for waiting \(e2e\)\./);
  await screenshot(browser, "first-run-09-ticket-sent");

  // On the panel: exactly one reply, escaped, with the new line as <br>.
  const [demo] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  const writes = await fetch(`${new URL(demo.url).origin}/__fake/writes`, {
    headers: { "x-api-key": "paneldesk-demo-admin-key" },
  }).then((r) => r.json());
  const replies = writes.filter((w) => w.path.endsWith(`/tickets/${ticket}/reply`));
  assert.equal(replies.length, 1, JSON.stringify(writes));
  assert.equal(replies[0].body.staff_name, "demo_operator");
  assert.match(replies[0].body.message, /your refill has started\. demo_operator<br>Thanks for waiting \(e2e\)\.$/);

  // In the activity log, by the operator; never the message itself.
  const log = cliJson(["--data-dir", dataDir, "log"]);
  const reply = log.find((r) => r.action === "reply");
  assert.equal(reply.outcome, "sent");
  assert.equal(reply.target, `ticket ${ticket}`);
  assert.equal(reply.actor_kind, "operator");
  assert.ok(log.some((r) => r.action === "template_add"));
  assert.ok(!JSON.stringify(log).includes("Thanks for waiting"));

  // The Outbox screen shows it sent, and the sidebar counts nothing pending.
  await navigate(browser, "Outbox");
  const item = await browser.$('[data-testid="outbox-item"]');
  await item.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await item.getAttribute("data-state"), "sent");
  assert.match(await item.getText(), new RegExp(`Demo panel · ticket #${ticket}[\\s\\S]*Thanks for waiting \\(e2e\\)`));
  assert.equal(await (await browser.$('[data-testid="badge-outbox"]')).isExisting(), false);

  // The dashboard no longer lists it as waiting.
  await navigate(browser, "Dashboard");
  await browser.waitUntil(
    async () => {
      const ids = await texts(browser, '[data-testid="waiting-tickets"] a');
      return ids.length > 0 && !ids.includes(`#${ticket}`);
    },
    { timeout: 10_000, timeoutMsg: `ticket #${ticket} still waits on the dashboard` },
  );
});

test("AI: a provider and a preset, then a ticket analysed, drafted, made shorter, edited and sent once", async () => {
  const { browser, dataDir } = app;
  fakeAi = await startFakeAi();
  // Settings › AI: the fake as an OpenAI provider; its test lists the models.
  await navigate(browser, "AI settings");
  await (await browser.$('[data-testid="ai-provider-new"]')).click();
  await choose(browser, "ai-kind", "open_ai");
  await typeInto(browser, "ai-name", "Fake AI");
  await typeInto(browser, "ai-base-url", `${fakeAi.url}/v1`);
  await typeInto(browser, "ai-key", fakeAi.key);
  await typeInto(browser, "ai-model", "fake-small");
  await (await browser.$('[data-testid="ai-provider-save"]')).click();
  const providers = await browser.$('[data-testid="ai-providers"]');
  await providers.waitUntil(async () => /Fake AI[\s\S]*•••• 0000/.test(await providers.getText()), {
    timeout: 10_000,
    timeoutMsg: "the provider was not saved with its key masked",
  });
  await (await browser.$('[data-testid="ai-test"]')).click();
  const tested = await browser.$('[data-testid="ai-test-result"]');
  await tested.waitUntil(async () => (await tested.getText()) === "Answered: 2 models (fake-large, fake-small).", {
    timeout: 10_000,
  });

  // Settings › AI presets: one preset on it.
  await navigate(browser, "AI presets");
  await (await browser.$('[data-testid="preset-new"]')).click();
  await typeInto(browser, "preset-title", "Polite");
  await typeInto(browser, "preset-prompt", "You are a polite support agent.");
  await (await browser.$('[data-testid="preset-save"]')).click();
  await (await browser.$('[data-testid="ai-presets"] strong')).waitForDisplayed({ timeout: 10_000 });

  await fakeAi.script({
    answers: [
      "Summary: the customer wants a refill. Next step: check the order.",
      "Hello, thank you for writing. We are checking your order now and will refill it if it dropped.",
      "Hello, we are checking your order now.",
    ],
    token_delay_ms: 60,
    report_usage: true,
  });
  await navigate(browser, "Dashboard");
  const waitingLink = await browser.$('[data-testid="waiting-tickets"] a');
  await waitingLink.waitForDisplayed({ timeout: 10_000 });
  const ticket = (await waitingLink.getText()).replace("#", "");
  await waitingLink.click();
  await (await browser.$('[data-testid="ticket-workspace"]')).waitForDisplayed({ timeout: 10_000 });

  // Analyze: the answer streams into the pane.
  await (await browser.$('[data-testid="ai-analyze"]')).click();
  const analysis = await browser.$('[data-testid="ai-analysis"]');
  await analysis.waitUntil(async () => (await analysis.getText()) === "Summary: the customer wants a refill. Next step: check the order.", {
    timeout: 15_000,
    timeoutMsg: "the analysis did not arrive",
  });

  // Draft with the preset: it streams into the reply box (seen mid-way), then shorter.
  await (await browser.$('[data-testid="ai-draft-button"]')).click();
  const box = await browser.$('[data-testid="reply-box"]');
  await browser.waitUntil(async () => {
    const v = await box.getValue();
    return v.length > 0 && v.length < 60;
  }, { timeout: 10_000, interval: 20, timeoutMsg: "the draft did not stream into the reply box" });
  await browser.execute(() => document.querySelector('[data-testid="reply-box"]').scrollIntoView({ block: "center" }));
  await screenshot(browser, "first-run-10-ai-streaming");
  await box.waitUntil(async () => (await box.getValue()).endsWith("if it dropped."), { timeout: 15_000 });
  await (await browser.$('[data-testid="ai-working"]')).waitForDisplayed({ reverse: true, timeout: 10_000 });
  await (await browser.$('[data-testid="ai-shorter"]')).click();
  await box.waitUntil(async () => (await box.getValue()) === "Hello, we are checking your order now.", { timeout: 15_000 });
  await (await browser.$('[data-testid="ai-working"]')).waitForDisplayed({ reverse: true, timeout: 10_000 });

  // The preview shows exactly what a draft sends: the cached orders, no key.
  await (await browser.$('[data-testid="ai-preview-toggle"]')).click();
  const preview = await browser.$('[data-testid="ai-preview-user"]');
  await preview.waitForDisplayed({ timeout: 10_000 });
  assert.match(await preview.getText(), /ORDERS \(from the panel's data\):/);
  await browser.execute(() => document.querySelector('[data-testid="ai-preview"]').scrollIntoView({ block: "center" }));
  await screenshot(browser, "first-run-11-ai-preview");

  // Edit, then send: exactly one reply on the demo panel, the edited text.
  await box.click();
  await browser.keys(["Control", "End"]);
  await box.addValue(" Thanks!");
  await browser.keys(["Control", "Enter"]);
  const note = await browser.$('[data-testid="reply-note"]');
  await note.waitUntil(async () => (await note.getText()) === "Sent.", { timeout: 20_000, timeoutMsg: "the reply was not sent" });
  const [demo] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  const writes = await fetch(`${new URL(demo.url).origin}/__fake/writes`, {
    headers: { "x-api-key": "paneldesk-demo-admin-key" },
  }).then((r) => r.json());
  const replies = writes.filter((w) => w.path.endsWith(`/tickets/${ticket}/reply`));
  assert.equal(replies.length, 1);
  assert.equal(replies[0].body.message, "Hello, we are checking your order now. Thanks!");

  // The AI server got three calls, each with the key in its header only.
  const record = await fakeAi.record();
  assert.equal(record.length, 3);
  for (const r of record) {
    assert.ok(!JSON.stringify(r.body).includes(fakeAi.key));
    assert.deepEqual(r.headers.filter(([, v]) => v.includes(fakeAi.key)).map(([k]) => k), ["authorization"]);
  }
  const log = cliJson(["--data-dir", dataDir, "log"]);
  assert.equal(log.filter((r) => r.action === "ai_call").length, 3);
  assert.ok(!JSON.stringify(log).includes(fakeAi.key));

  // Settings › AI counts the three calls and their tokens for the day.
  await navigate(browser, "AI settings");
  const usage = await browser.$('[data-testid="ai-usage"]');
  await usage.waitForDisplayed({ timeout: 10_000 });
  const cells = await texts(browser, '[data-testid="ai-usage"] tbody td');
  assert.deepEqual([cells[1], cells[2], cells[5]], ["Fake AI", "3", "0"], cells.join(" | "));

  // No AI key anywhere: not in the data dir's files (databases, WAL, logs),
  // not in what the core answers the window.
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
  for (const f of files(dataDir)) assert.ok(!readFileSync(f).includes(fakeAi.key), `${f} holds the AI key`);
  const answers = await browser.executeAsync((done) =>
    Promise.all(["ai_providers_list", "ai_settings", "ai_presets_list"].map((c) => window.__TAURI_INTERNALS__.invoke(c))).then(
      (a) => done(JSON.stringify(a)),
    ),
  );
  assert.match(answers, /"key_last4":"0000"/);
  assert.ok(!answers.includes(fakeAi.key));
});

test("money: a payment method, then a payment added from a user's page through the confirmation, sent once", async () => {
  const { browser, dataDir } = app;
  await navigate(browser, "Payment methods");
  await (await browser.$('[data-testid="method-new"]')).click();
  await typeInto(browser, "method-internal", "Bank Transfer (manual)");
  await typeInto(browser, "method-display", "Bank");
  await typeInto(browser, "method-min", "1");
  await typeInto(browser, "method-max", "500");
  await (await browser.$('[data-testid="method-save"]')).click();
  const methods = await browser.$('[data-testid="methods"]');
  await methods.waitUntil(async () => /Bank\s*Bank Transfer \(manual\)/.test(await methods.getText()), {
    timeout: 10_000,
    timeoutMsg: "the payment method was not saved",
  });

  await navigate(browser, "Users");
  const row = await browser.$('[data-testid="table-row"]');
  await row.waitForDisplayed({ timeout: 10_000 });
  await row.click();
  const username = await (await browser.$('[data-testid="user-username"]')).getText();
  await (await browser.$('[data-testid="add-payment-open"]')).click();
  await (await browser.$('[data-testid="payment-method"]')).waitForDisplayed({ timeout: 10_000 });
  await typeInto(browser, "payment-amount", "12.5");
  await typeInto(browser, "payment-memo", "goodwill (e2e)");
  await browser.keys(["Enter"]);
  const confirmation = await browser.$('[data-testid="payment-confirmation"]');
  await confirmation.waitForDisplayed({ timeout: 15_000, timeoutMsg: "the confirmation did not open" });
  assert.equal(await (await browser.$('[data-testid="confirm-amount"]')).getText(), "12.50 USD");
  assert.match(await confirmation.getText(), new RegExp(`Demo panel[\\s\\S]*${username}[\\s\\S]*Bank Transfer \\(manual\\)[\\s\\S]*goodwill \\(e2e\\)`));
  await screenshot(browser, "first-run-12-payment-confirmation");
  // The send button has the focus: Enter sends.
  await browser.keys(["Enter"]);
  const outcome = await browser.$('[data-testid="payment-outcome"]');
  await outcome.waitUntil(async () => /^Sent: the panel added payment #\d+\.$/.test(await outcome.getText()), {
    timeout: 15_000,
    timeoutMsg: "the payment was not sent",
  });
  await screenshot(browser, "first-run-13-payment-sent");
  await (await browser.$('[data-testid="payment-done"]')).click();
  await (await browser.$('[data-testid="add-payment"]')).waitForDisplayed({ reverse: true, timeout: 5_000 });

  const [demo] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  const writes = await fetch(`${new URL(demo.url).origin}/__fake/writes`, {
    headers: { "x-api-key": "paneldesk-demo-admin-key" },
  }).then((r) => r.json());
  const payments = writes.filter((w) => w.path.endsWith("/payments/add"));
  assert.equal(payments.length, 1);
  assert.deepEqual(
    [payments[0].body.username, payments[0].body.amount, payments[0].body.method, payments[0].body.memo],
    [username, "12.50", "Bank Transfer (manual)", "goodwill (e2e)"],
  );
  const log = cliJson(["--data-dir", dataDir, "log"]);
  const paid = log.find((r) => r.action === "payment");
  assert.equal(paid.outcome, "sent");
  assert.equal(paid.target, `user ${username}`);
  assert.ok(log.some((r) => r.action === "payment_method"));
});

test("orders: two quoted orders of a ticket cancelled through the confirmation, each with its result, both actions in the log", async () => {
  const { browser, dataDir } = app;
  await navigate(browser, "Tickets");
  const first = await browser.$('[data-testid="table-row"]');
  await first.waitForDisplayed({ timeout: 10_000 });
  await first.click();
  // The first ticket (j moves on) quoting two cached orders.
  let picks = [];
  for (let i = 0; i < 40; i++) {
    await (await browser.$('[data-testid="ticket-workspace"]')).waitForDisplayed({ timeout: 10_000 });
    picks = await browser.$$('[data-testid="quoted-pick"]');
    if (picks.length >= 2) break;
    const title = await (await browser.$('[data-testid="detail-title"]')).getText();
    await browser.keys(["j"]);
    await browser.waitUntil(async () => (await (await browser.$('[data-testid="detail-title"]')).getText()) !== title, {
      timeout: 10_000,
    });
  }
  assert.ok(picks.length >= 2, "a ticket quoting two cached orders");
  const ids = [];
  for (const p of picks.slice(0, 2)) {
    await p.click();
    ids.push(Number((await p.getAttribute("aria-label")).replace(/\D/g, "")));
  }
  await (await browser.$('[data-testid="quoted-act"]')).click();
  await choose(browser, "order-action-kind", "cancel");
  await typeInto(browser, "order-action-reason", "customer asked (e2e)");
  await (await browser.$('[data-testid="order-action-review"]')).click();
  const confirmation = await browser.$('[data-testid="order-action-confirmation"]');
  await confirmation.waitForDisplayed({ timeout: 10_000 });
  assert.match(await confirmation.getText(), new RegExp(`Cancel and refund[\\s\\S]*customer asked \\(e2e\\)[\\s\\S]*#${ids[0]}, #${ids[1]}`));
  await screenshot(browser, "first-run-14-order-action-confirmation");
  await browser.keys(["Enter"]);
  const results = await browser.$('[data-testid="order-action-results"]');
  await results.waitForDisplayed({ timeout: 15_000, timeoutMsg: "no result per order" });
  await screenshot(browser, "first-run-15-order-action-results");

  // Each result is the panel's truth: done ones are canceled there, skipped ones are not.
  const [demo] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  const origin = new URL(demo.url).origin;
  const truth = await fetch(`${origin}/__fake/truth`, { headers: { "x-api-key": "paneldesk-demo-admin-key" } }).then((r) => r.json());
  const shown = await browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="order-action-results"] li'), (li) => [li.textContent.trim(), li.dataset.done]),
  );
  for (const id of ids) {
    const line = shown.find(([text]) => text.startsWith(`#${id}:`));
    assert.ok(line, `a result for #${id}: ${JSON.stringify(shown)}`);
    const order = truth.orders.find((o) => o.id === id);
    // Done: canceled on the panel now. Skipped: the reason names the panel's status.
    if (line[1] === "true") assert.equal(order.status, "canceled", `#${id}: ${line[0]}`);
    else assert.ok(line[0].endsWith(`(it is ${order.status})`), `#${id}: ${line[0]} / ${order.status}`);
  }
  const writes = await fetch(`${origin}/__fake/writes`, { headers: { "x-api-key": "paneldesk-demo-admin-key" } }).then((r) => r.json());
  const cancels = writes.filter((w) => w.path.endsWith("/orders/cancel"));
  assert.equal(cancels.length, 1);
  assert.deepEqual(String(cancels[0].body.ids).split(",").map(Number).sort(), [...ids].sort());

  const log = cliJson(["--data-dir", dataDir, "log"]);
  assert.ok(log.some((r) => r.action === "order_action" && r.target === `orders ${ids.join(",")}`));
  assert.ok(log.some((r) => r.action === "payment"));
  await browser.keys(["Escape"]);
});

test("an operator's day: staff directory, app lock, descriptions imported, a payment from Payments, two checked orders acted on", async () => {
  const { browser, dataDir } = app;
  const [demo] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  const origin = new URL(demo.url).origin;
  const writes = () => fetch(`${origin}/__fake/writes`, { headers: { "x-api-key": "paneldesk-demo-admin-key" } }).then((r) => r.json());

  // Staff directory: a member with her name on the demo panel, a role.
  await navigate(browser, "Staff directory");
  await (await browser.$('[data-testid="staff-new"]')).click();
  await typeInto(browser, "staff-name", "Kainat");
  await choose(browser, "staff-role", "admin");
  const aliasField = await browser.execute(() => document.querySelector('[data-testid^="staff-alias-"]').dataset.testid);
  await typeInto(browser, aliasField, "kainat, kainat_pp");
  await (await browser.$('[data-testid="staff-save"]')).click();
  const member = await browser.$('[data-testid="staff-row"][data-name="Kainat"]');
  await member.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the staff member was not saved" });
  assert.match(await member.getText(), /Kainat\s*Admin\s*All panels\s*kainat \(Demo panel\), kainat_pp \(Demo panel\)/);
  await screenshot(browser, "first-run-16-staff-directory");

  // My profile: the lock on; "Lock now" covers the window until the passcode.
  await navigate(browser, "My profile & app lock");
  await typeInto(browser, "lock-new", "2468");
  await typeInto(browser, "lock-confirm", "2468");
  await (await browser.$('[data-testid="lock-save"]')).click();
  const state = await browser.$('[data-testid="lock-state"]');
  await state.waitUntil(async () => /^On: asked when the app starts and after 10 minutes idle\.$/.test(await state.getText()), {
    timeout: 10_000,
    timeoutMsg: "the lock did not turn on",
  });
  await (await browser.$('[data-testid="lock-now"]')).click();
  const lock = await browser.$('[data-testid="lock-screen"]');
  await lock.waitForDisplayed({ timeout: 10_000 });
  await typeInto(browser, "lock-passcode", "1111");
  await browser.keys(["Enter"]);
  const lockError = await browser.$('[data-testid="lock-error"]');
  await lockError.waitUntil(async () => /^that passcode is not right\. 4 more wrong tries/.test(await lockError.getText()), { timeout: 10_000 });
  await screenshot(browser, "first-run-17-lock-screen");
  // While locked, nothing is done in the operator's name.
  const refused = await browser.executeAsync((done) =>
    window.__TAURI_INTERNALS__.invoke("staff_remove", { name: "Kainat" }).then(() => done("done"), (e) => done(e.code)),
  );
  assert.equal(refused, "app_locked");
  await typeInto(browser, "lock-passcode", "2468");
  await browser.keys(["Enter"]);
  await lock.waitForDisplayed({ reverse: true, timeout: 10_000, timeoutMsg: "the right passcode did not unlock" });
  // The lock off again, with the passcode.
  await typeInto(browser, "lock-current", "2468");
  await (await browser.$('[data-testid="lock-off"]')).click();
  await state.waitUntil(async () => (await state.getText()) === "Off.", { timeout: 10_000 });

  // Services: descriptions imported from a CSV, previewed first.
  const csv = join(dataDir, "descriptions.csv");
  writeFileSync(csv, 'Category,service_id,Description,Rate\nIG,101,"Real ""HQ"" followers, no drop\nRefill 30 days <b>x</b>",1\nX,99999,Unknown here,2\n');
  await navigate(browser, "Services");
  await (await browser.$('[data-testid="services-import"]')).click();
  await (await browser.$('[data-testid="import-file"]')).addValue(csv);
  const counts = await browser.$('[data-testid="import-counts"]');
  await counts.waitUntil(async () => (await counts.getText()) === "1 new · 0 updated · 0 unchanged · 1 unknown services", {
    timeout: 10_000,
    timeoutMsg: "the preview did not count the file's rows",
  });
  await screenshot(browser, "first-run-18-import-preview");
  await (await browser.$('[data-testid="import-apply"]')).click();
  const done = await browser.$('[data-testid="import-done"]');
  await done.waitUntil(async () => (await done.getText()) === "Imported: 1 written, 0 unchanged, 1 unknown services left out.", { timeout: 10_000 });
  await (await browser.$('[data-testid="import-close"]')).click();
  await typeInto(browser, "filter-text", "101");
  await browser.waitUntil(
    async () => (await texts(browser, '[data-testid="table-row"] .td')).some((c) => c.startsWith('Real "HQ" followers, no drop')),
    { timeout: 10_000, timeoutMsg: "the description is not in the services table" },
  );

  // Payments: "Add payment" with the user typed, through the confirmation.
  await navigate(browser, "Payments");
  const first = await browser.$('[data-testid="table-row"]');
  await first.waitForDisplayed({ timeout: 10_000 });
  const user = (await texts(browser, '[data-testid="table-row"] .td[data-column="user"]'))[0];
  await (await browser.$('[data-testid="payments-add"]')).click();
  await typeInto(browser, "payment-user", user);
  await typeInto(browser, "payment-amount", "3");
  await browser.keys(["Enter"]);
  await (await browser.$('[data-testid="payment-confirmation"]')).waitForDisplayed({ timeout: 15_000 });
  assert.equal(await (await browser.$('[data-testid="confirm-amount"]')).getText(), "3.00 USD");
  await browser.keys(["Enter"]);
  const outcome = await browser.$('[data-testid="payment-outcome"]');
  await outcome.waitUntil(async () => /^Sent: the panel added payment #\d+\.$/.test(await outcome.getText()), { timeout: 15_000 });
  await (await browser.$('[data-testid="payment-done"]')).click();
  const paid = (await writes()).filter((w) => w.path.endsWith("/payments/add"));
  assert.equal(paid.length, 2);
  assert.deepEqual([paid[1].body.username, paid[1].body.amount], [user, "3.00"]);

  // Orders: two pending rows checked, then canceled together through the confirmation.
  await navigate(browser, "Orders");
  await choose(browser, "filter-status", "pending");
  const count = await browser.$('[data-testid="row-count"]');
  await count.waitUntil(async () => /match the filters/.test(await count.getText()), { timeout: 10_000 });
  await browser.waitUntil(
    async () => {
      const statuses = await browser.execute(() =>
        Array.from(document.querySelectorAll('[data-testid="table-row"] [data-status]'), (e) => e.dataset.status),
      );
      return statuses.length >= 2 && statuses.every((s) => s === "pending");
    },
    { timeout: 10_000, timeoutMsg: "no two pending orders in the table" },
  );
  const checks = await browser.$$('[data-testid="row-check"]');
  await checks[0].click();
  await checks[1].click();
  const ids = await browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="table-row"]'))
      .filter((r) => r.querySelector('[data-testid="row-check"]').checked)
      .map((r) => Number(r.dataset.id)),
  );
  assert.equal(ids.length, 2);
  assert.equal(await (await browser.$('[data-testid="selected-count"]')).getText(), "2 selected");
  // Checking is not opening: no detail pane.
  assert.equal(await (await browser.$('[data-testid="detail-pane"]')).isExisting(), false);
  await screenshot(browser, "first-run-19-orders-checked");
  await (await browser.$('[data-testid="orders-act"]')).click();
  await choose(browser, "order-action-kind", "cancel");
  await typeInto(browser, "order-action-reason", "duplicate order (e2e)");
  await (await browser.$('[data-testid="order-action-review"]')).click();
  const confirmation = await browser.$('[data-testid="order-action-confirmation"]');
  await confirmation.waitForDisplayed({ timeout: 10_000 });
  await browser.keys(["Enter"]);
  const results = await browser.$('[data-testid="order-action-results"]');
  await results.waitForDisplayed({ timeout: 15_000 });
  // Pending orders cancel: each is done, and canceled on the panel.
  const shown = await browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="order-action-results"] li'), (li) => li.dataset.done),
  );
  assert.deepEqual(shown, ["true", "true"]);
  const truth = await fetch(`${origin}/__fake/truth`, { headers: { "x-api-key": "paneldesk-demo-admin-key" } }).then((r) => r.json());
  for (const id of ids) assert.equal(truth.orders.find((o) => o.id === id).status, "canceled", `#${id}`);
  const cancels = (await writes()).filter((w) => w.path.endsWith("/orders/cancel"));
  assert.equal(cancels.length, 2);
  assert.deepEqual(String(cancels[1].body.ids).split(",").map(Number).sort(), [...ids].sort());
  await browser.keys(["Escape"]);
  await (await browser.$('[data-testid="selected-count"]')).waitForDisplayed({ reverse: true, timeout: 5_000 });
});

test("the activity log screen shows the payment and the order action, filters by action and exports CSV", async () => {
  const { browser } = app;
  await navigate(browser, "Activity log");
  const table = await browser.$('[data-testid="activity-log"]');
  await table.waitForDisplayed({ timeout: 10_000 });
  const actions = () => browser.execute(() => Array.from(document.querySelectorAll('[data-testid="activity-log"] tbody tr'), (tr) => tr.dataset.action));
  for (const a of ["payment", "order_action", "reply", "ai_call", "template_add", "payment_method", "staff", "app_lock", "import"]) {
    assert.ok((await actions()).includes(a), `the log shows ${a}`);
  }
  await choose(browser, "log-action", "payment");
  await browser.waitUntil(async () => {
    const shown = await actions();
    // The payment from a user's page and the one from Payments.
    return shown.length === 2 && shown.every((a) => a === "payment");
  }, { timeout: 10_000, timeoutMsg: "the action filter did not narrow the log" });
  await choose(browser, "log-action", "");
  await screenshot(browser, "first-run-20-activity-log");
  await (await browser.$('[data-testid="log-export"]')).click();
  const note = await browser.$('[data-testid="log-note"]');
  await note.waitUntil(async () => /rows? written to .*activity-log.*\.csv$/.test(await note.getText()), { timeout: 10_000 });
});

test("reports: a critical service snoozed leaves the red bars, a profile changes the report, top spenders' window, flagged replies down to a ticket", async () => {
  const { browser } = app;
  await navigate(browser, "Service health");
  const bar = await browser.$('[data-testid="red-bar"]');
  await bar.waitForDisplayed({ timeout: 20_000, timeoutMsg: "the demo has no critical service in 24 h" });
  const critical = await browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="health-row"][data-status="critical"]'), (r) => r.dataset.service),
  );
  assert.ok(critical.length > 0);
  await screenshot(browser, "first-run-21-service-health");

  // Snooze the first critical service from its row menu: it leaves this bar and the dashboard's.
  const row = await browser.$(`[data-testid="health-row"][data-service="${critical[0]}"]`);
  await (await row.$('[data-testid="health-menu"]')).click();
  await (await row.$('[data-testid="health-snooze"]')).click();
  await browser.waitUntil(
    async () => !(await browser.execute((id) => !!document.querySelector(`[data-testid="health-row"][data-service="${id}"]`), critical[0])),
    { timeout: 10_000, timeoutMsg: "the snoozed service stayed in the report" },
  );
  await navigate(browser, "Dashboard");
  await (await browser.$('[data-testid="total-orders"]')).waitForDisplayed({ timeout: 10_000 });
  // The dashboard's bar counts one critical service fewer.
  let dashboardCritical = "";
  await browser.waitUntil(
    async () => {
      dashboardCritical = await browser.execute(() => document.querySelector('[data-testid="critical-bar"]')?.textContent ?? "");
      return new RegExp(`^\\s*${critical.length - 1} critical`).test(dashboardCritical);
    },
    { timeout: 10_000, timeoutMsg: `the dashboard's bar did not lose the snoozed service: ${dashboardCritical}` },
  );

  // A profile where nothing is stuck and no service has enough orders: every row says so.
  await navigate(browser, "Service health");
  await (await browser.$('[data-testid="health-row"]')).waitForDisplayed({ timeout: 20_000 });
  // A row opens its 30-day trend: the app kept yesterday's scores when it started.
  await (await (await browser.$('[data-testid="health-row"]')).$("td")).click();
  const chart = await browser.$('[data-testid="line-chart"]');
  await chart.waitForDisplayed({ timeout: 10_000, timeoutMsg: "no trend chart" });
  assert.equal(await chart.getAttribute("data-points"), "1");
  await browser.waitUntil(() => browser.execute(() => document.querySelector('[data-testid="line-chart"] canvas')?.width > 0), {
    timeout: 10_000,
    timeoutMsg: "the chart did not draw",
  });
  await screenshot(browser, "first-run-22-service-trend");
  const before = await texts(browser, '[data-testid="health-row"]');
  await (await browser.$('[data-testid="health-profiles"]')).click();
  await typeInto(browser, "hp-name", "Strict");
  await typeInto(browser, "hp-stuck", "100000");
  await typeInto(browser, "hp-min", "100000");
  await (await browser.$('[data-testid="hp-save"]')).click();
  await (await browser.$('[data-testid="health-profile-editor"]')).waitForDisplayed({ reverse: true, timeout: 10_000 });
  await choose(browser, "report-profile", "Strict");
  await browser.waitUntil(
    async () => {
      const statuses = await browser.execute(() =>
        Array.from(document.querySelectorAll('[data-testid="health-row"]'), (r) => r.dataset.status),
      );
      return statuses.length === before.length && statuses.every((s) => s === "not_enough_data");
    },
    { timeout: 20_000, timeoutMsg: "the profile did not change the report" },
  );
  await screenshot(browser, "first-run-23-service-health-profile");
  await choose(browser, "report-profile", "");

  // The same rules by provider: the demo's providers, each scored.
  await (await browser.$('[data-testid="health-by-provider"]')).click();
  await browser.waitUntil(
    async () => (await texts(browser, '[data-testid="provider-row"]')).length > 0,
    { timeout: 20_000, timeoutMsg: "no provider row" },
  );
  await screenshot(browser, "first-run-23b-service-health-by-provider");
  await (await browser.$('[data-testid="health-by-service"]')).click();

  // Top spenders: the 72 h window asks again, and says so.
  await navigate(browser, "Top spenders");
  await (await browser.$('[data-testid="spender-row"]')).waitForDisplayed({ timeout: 20_000 });
  const first24 = (await texts(browser, '[data-testid="spender-row"]')).length;
  await (await browser.$('[data-testid="report-window-72"]')).click();
  await browser.waitUntil(
    async () => (await (await browser.$('[data-testid="report-window-72"]')).getAttribute("aria-checked")) === "true" &&
      !(await (await browser.$('[data-testid="report-progress"]')).isExisting()),
    { timeout: 20_000 },
  );
  assert.ok((await texts(browser, '[data-testid="spender-row"]')).length >= first24);
  // The top three's spend per day, drawn: their boxes are ticked; untick one and it leaves the chart.
  const spendChart = async () =>
    browser.execute(() => {
      const chart = document.querySelector('[data-testid="spend-chart"] [data-testid="line-chart"]');
      return chart && chart.querySelector("canvas")?.width > 0 ? chart.getAttribute("data-series") : null;
    });
  await browser.waitUntil(async () => (await spendChart()) === "3", { timeout: 10_000, timeoutMsg: "the spend chart did not draw the top three" });
  const picks = await browser.$$('[data-testid="spender-chart-pick"]');
  assert.deepEqual(await Promise.all(picks.slice(0, 4).map((p) => p.isSelected())), [true, true, true, false]);
  await picks[0].click();
  await browser.waitUntil(async () => (await spendChart()) === "2", { timeout: 10_000, timeoutMsg: "an unticked spender stayed in the chart" });
  await screenshot(browser, "first-run-24-top-spenders");

  // Staff statistics: the rows and each member's replies per day, drawn.
  await navigate(browser, "Staff statistics");
  await (await browser.$('[data-testid="report-window-168"]')).click();
  await (await browser.$('[data-testid="staff-stats-row"]')).waitForDisplayed({ timeout: 20_000 });
  await browser.waitUntil(
    () => browser.execute(() => document.querySelector('[data-testid="staff-chart"] canvas')?.width > 0),
    { timeout: 10_000, timeoutMsg: "the replies-per-day chart did not draw" },
  );
  // One line per member of the table, and at least a reply per ticket they
  // answered (a sync may bring replies meanwhile: both follow it).
  await browser.waitUntil(
    async () => {
      const chart = await browser.$('[data-testid="staff-chart"] [data-testid="line-chart"]');
      const answered = (await texts(browser, '[data-testid="staff-stats-row"] td:nth-child(2)')).map((n) => Number(n.replace(/\D/g, "")));
      return (
        Number(await chart.getAttribute("data-series")) === answered.length &&
        Number(await chart.getAttribute("data-total")) >= answered.reduce((a, b) => a + b, 0)
      );
    },
    { timeout: 10_000, timeoutMsg: "the chart does not show the table's replies" },
  );
  await screenshot(browser, "first-run-24b-staff-statistics");

  // Flagged replies: a staff member, their flagged tickets, one opened.
  await navigate(browser, "Flagged replies");
  await (await browser.$('[data-testid="report-window-168"]')).click();
  const staffRow = await browser.$('[data-testid="flagged-staff-row"]');
  await staffRow.waitForDisplayed({ timeout: 20_000, timeoutMsg: "no staff reply in the demo's week" });
  // A row's cell (WebKit's driver does not click a table row itself).
  await (await staffRow.$("td")).click();
  const ticket = await browser.$('[data-testid="flagged-ticket"]');
  await ticket.waitForDisplayed({ timeout: 10_000, timeoutMsg: "no flagged ticket listed" });
  await screenshot(browser, "first-run-25-flagged-replies");
  const id = (await ticket.getText()).match(/#(\d+)/)[1];
  await ticket.click();
  const title = await browser.$('[data-testid="detail-title"]');
  await title.waitUntil(async () => (await title.getText()).includes(`#${id}`), { timeout: 10_000, timeoutMsg: "the ticket did not open" });
});

test("reported services: a service reported from an order pane, listed with its reason, resolved", async () => {
  const { browser } = app;
  await navigate(browser, "Orders");
  const first = await browser.$('[data-testid="table-row"]');
  await first.waitForDisplayed({ timeout: 10_000 });
  await first.click();
  await (await browser.$('[data-testid="order-report-service"]')).click();
  await typeInto(browser, "report-reason", "drops within a day (e2e)");
  await browser.keys(["Enter"]);
  await (await browser.$('[data-testid="report-done"]')).waitForDisplayed({ timeout: 10_000 });
  await browser.keys(["Escape"]);
  await (await browser.$('[data-testid="report-service"]')).waitForDisplayed({ reverse: true, timeout: 5_000 });

  await navigate(browser, "Reported services");
  const row = await browser.$('[data-testid="reported-row"]');
  await row.waitForDisplayed({ timeout: 10_000 });
  assert.match(await row.getText(), /drops within a day \(e2e\)[\s\S]*Order #\d+/);
  await screenshot(browser, "first-run-26-reported-services");
  await (await browser.$('[data-testid="reported-resolve"]')).click();
  await browser.waitUntil(async () => (await row.getAttribute("data-resolved")) === "true", { timeout: 10_000 });
  assert.match(await row.getText(), /Resolved by /);
});

test("competitors: a second fake panel watched as a rival, its clock ticked, the diff seen; its price move notified", async () => {
  const { browser } = app;
  rival = await startFake({ orders: 200, services_key: RIVAL_KEY, catalogue_moves: true });
  await navigate(browser, "Competitors");
  await (await browser.$('[data-testid="no-rivals"]')).waitForDisplayed({ timeout: 10_000 });
  await (await browser.$('[data-testid="add-rival"]')).click();
  await typeInto(browser, "rival-name", "Rival SMM");
  await typeInto(browser, "rival-url", rival.url);
  await typeInto(browser, "rival-key", RIVAL_KEY);
  await (await browser.$('[data-testid="rival-save"]')).click();
  const row = await browser.$('[data-testid="rival-row"]');
  await row.waitForDisplayed({ timeout: 10_000 });
  assert.match(await row.getText(), new RegExp(`Rival SMM\\s*${rival.url}/api/v2`));

  // A profile over it: price moves of 5 % or more.
  await (await browser.$('[data-testid="new-watch-profile"]')).click();
  await typeInto(browser, "wp-name", "Main rivals");
  await typeInto(browser, "wp-threshold", "5");
  await (await browser.$('[data-testid="wp-save"]')).click();
  await browser.waitUntil(async () => (await (await browser.$('[data-testid="watch-profile"]')).getValue()) !== "", {
    timeout: 10_000,
    timeoutMsg: "the new profile was not picked",
  });

  // The first poll is the baseline.
  const notice = await browser.$('[data-testid="poll-notice"]');
  await (await browser.$('[data-testid="rival-poll"]')).click();
  // Says what the notice said instead, if the poll does not land.
  let said = "";
  await notice
    .waitUntil(async () => /^Rival SMM: First look: \d+ services kept as the baseline\.$/.test((said = await notice.getText())), {
      timeout: 20_000,
    })
    .catch(() => {
      throw new Error(`the first poll did not land; the notice said ${JSON.stringify(said)}`);
    });
  await (await browser.$('[data-testid="no-changes"]')).waitForDisplayed({ timeout: 10_000 });

  // The rival's clock moves: one withdrawn, one new, +25 %, +2 %, one renamed.
  const before = await fetch(`${rival.url}/__fake/truth`, { headers: { "x-api-key": rival.key } }).then((r) => r.json());
  await fetch(`${rival.url}/__fake/tick`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": rival.key },
    body: JSON.stringify({ seconds: 3600 }),
  });
  const afterTick = await fetch(`${rival.url}/__fake/truth`, { headers: { "x-api-key": rival.key } }).then((r) => r.json());
  await (await browser.$('[data-testid="rival-poll"]')).click();
  await notice.waitUntil(async () => /5 changes since the last poll\.$/.test(await notice.getText()), {
    timeout: 20_000,
    timeoutMsg: "the second poll did not find the five changes",
  });
  // The profile's 5 % threshold hides the +2 % move.
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="change-row"]')).length === 4, {
    timeout: 10_000,
    timeoutMsg: "the changes table does not show four changes",
  });
  const changes = await browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="change-row"]'), (r) => ({ kind: r.dataset.kind, service: Number(r.dataset.service), text: r.textContent })),
  );
  assert.deepEqual(changes.map((c) => c.kind).sort(), ["new", "price", "removed", "renamed"]);
  assert.equal(changes.find((c) => c.kind === "removed").service, before.services[0].id);
  assert.equal(changes.find((c) => c.kind === "new").service, afterTick.services.at(-1).id);
  assert.match(changes.find((c) => c.kind === "price").text, /\+25\.0 %/);
  await screenshot(browser, "first-run-27-competitors");
  // Exported: exactly the four changes shown.
  await (await browser.$('[data-testid="competitors-export"]')).click();
  await notice.waitUntil(async () => /^4 rows written to .*competitor-changes.*\.csv$/.test(await notice.getText()), { timeout: 10_000 });
  const file = (await notice.getText()).replace(/^4 rows written to /, "");
  const lines = readFileSync(file, "utf8").trim().split("\n");
  assert.equal(lines.length, 5);
  assert.deepEqual(lines.slice(1).map((l) => l.split(",")[2]).sort(), ["new", "price", "removed", "renamed"]);

  // The repriced service's price over time, and the rival's two polls.
  const price = await browser.$('[data-testid="change-row"][data-kind="price"] td');
  await price.click();
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="price-point"]')).length === 2, {
    timeout: 10_000,
    timeoutMsg: "the price history does not show the two prices",
  });
  await (await row.$("td")).click();
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="snapshot-row"]')).length === 2, {
    timeout: 10_000,
    timeoutMsg: "the rival's history does not show its two polls",
  });

  // The desktop was told of the move past the threshold, once, and not of the +2 %.
  await browser.waitUntil(async () => notifier.notices().some((n) => /^Rival SMM: price up 25\.0 %$/.test(n.title)), {
    timeout: 10_000,
    timeoutMsg: `no price notification: ${JSON.stringify(notifier.notices())}`,
  });
  const moves = notifier.notices().filter((n) => n.title.startsWith("Rival SMM: price"));
  assert.equal(moves.length, 1, JSON.stringify(moves));
});

test("notifications: a critical service and a customer writing again are told on the desktop, in plain text", async () => {
  const { browser, dataDir } = app;
  // Told when the demo's first orders sync caught up.
  assert.ok(
    notifier.notices().some((n) => /^(Service \d+ is critical|\d+ services turned critical)$/.test(n.title)),
    JSON.stringify(notifier.notices()),
  );
  // A customer writes again (with markup) on an open ticket of the demo panel.
  const [demo] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  const origin = new URL(demo.url).origin;
  const headers = { "content-type": "application/json", "x-api-key": "paneldesk-demo-admin-key" };
  const truth = await fetch(`${origin}/__fake/truth`, { headers }).then((r) => r.json());
  const open = truth.tickets.find((t) => t.status !== "closed");
  await fetch(`${origin}/__fake/tickets/${open.id}/customer-message`, {
    method: "POST",
    headers,
    body: JSON.stringify({ message: "<b>Still</b> waiting <img src=x onerror=alert(1)>for my refill (e2e)" }),
  });
  await navigate(browser, "Sync engine");
  await (await browser.$('[data-testid="sync-now"]')).click();
  // One notice for it, or a bundle that names it.
  await browser.waitUntil(
    async () => notifier.notices().some((n) => n.title.endsWith(`wrote again on #${open.id}`) || n.body.includes(`#${open.id},`) || n.body.includes(`#${open.id}.`)),
    { timeout: 60_000, interval: 500, timeoutMsg: `no notification for ticket #${open.id}: ${JSON.stringify(notifier.notices())}` },
  );
  const told = notifier.notices().find((n) => n.title.endsWith(`wrote again on #${open.id}`));
  if (told) assert.match(told.body, /Still waiting for my refill \(e2e\)/);
  assert.ok(!notifier.notices().some((n) => /<(b|img)\b/i.test(n.body)), "never markup from a customer");

  // Settings › Notifications shows the switches.
  await navigate(browser, "Notifications");
  await (await browser.$('[data-testid="notification-settings"]')).waitForDisplayed({ timeout: 10_000 });
  await screenshot(browser, "first-run-28-notification-settings");
});

test("updates: the quiet check at start found a newer version; it downloads and verifies; a tampered or foreign-signed one is refused; an older one is not offered; no server is a quiet could-not-check", async () => {
  const { browser } = app;
  await navigate(browser, "Updates");
  const outcome = await browser.$('[data-testid="update-outcome"]');
  await outcome.waitUntil(async () => (await outcome.getText()) === "Version 99.0.0 is available.", {
    timeout: 20_000,
    timeoutMsg: "the check at start did not offer 99.0.0",
  });
  assert.equal(await (await browser.$('[data-testid="update-current"]')).getText(), "0.1.0");
  assert.match(await (await browser.$('[data-testid="update-notes"]')).getText(), /^Paneldesk 99\.0\.0: /);
  await (await browser.$('[data-testid="update-download"]')).click();
  const verified = await browser.$('[data-testid="update-verified"]');
  await verified.waitForDisplayed({ timeout: 20_000, timeoutMsg: "the download was not verified" });
  assert.equal(await verified.getText(), "Version 99.0.0 is downloaded and its signature verified.");
  assert.ok(await (await browser.$('[data-testid="update-install"]')).isDisplayed());
  await screenshot(browser, "first-run-29-updates");

  /** Points the app at one of the server's scenarios and checks now. */
  const scenario = async (address, expected) => {
    await typeInto(browser, "update-endpoint", address);
    await (await browser.$('[data-testid="update-endpoint-save"]')).click();
    const card = await browser.$('[data-testid="update-status"]');
    await card.waitUntil(async () => (await card.getAttribute("aria-busy")) === "false", { timeout: 10_000 });
    await (await browser.$('[data-testid="update-check"]')).click();
    // The answer of this check: the screen is no longer busy.
    await outcome.waitUntil(async () => (await card.getAttribute("aria-busy")) === "false" && (await outcome.getText()) === expected, {
      timeout: 20_000,
      timeoutMsg: `${address}: the check did not say "${expected}" but "${await outcome.getText()}"`,
    });
  };
  for (const bad of ["tampered", "wrong-signature"]) {
    await scenario(`${updates.url}/${bad}/latest.json`, "Version 99.0.0 is available.");
    await (await browser.$('[data-testid="update-download"]')).click();
    const refused = await browser.$('[data-testid="update-refused"]');
    await refused.waitForDisplayed({ timeout: 20_000, timeoutMsg: `the ${bad} download was not refused` });
    assert.match(await refused.getText(), /does not carry a valid signature from Paneldesk.s publisher, so it was not installed/);
    assert.equal(await (await browser.$('[data-testid="update-install"]')).isExisting(), false);
  }
  await screenshot(browser, "first-run-30-update-refused");
  await scenario(`${updates.url}/older/latest.json`, "Paneldesk is up to date.");
  await scenario("http://127.0.0.1:9/latest.json", "Could not check for updates. Paneldesk keeps working; try again later.");
  assert.equal(await (await browser.$('[data-testid="update-offer"]')).isExisting(), false);
});

test("diagnostics: what support needs, shown before it is copied, with no key and no customer text", async () => {
  const { browser, dataDir } = app;
  await navigate(browser, "Diagnostics");
  const text = await browser.$('[data-testid="diagnostics-text"]');
  await text.waitForDisplayed({ timeout: 10_000 });
  const shown = await text.getText();
  assert.match(shown, /^Paneldesk 0\.1\.0 \(core 0\.1\.0\)/);
  assert.match(shown, /- panel #\d+ Demo panel: \w+/);
  assert.match(shown, /- panel #\d+ orders: ok \(/);
  assert.ok(!shown.includes("paneldesk-demo-admin-key"), "no key");
  const [demo] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  const truth = await fetch(`${new URL(demo.url).origin}/__fake/truth`, { headers: { "x-api-key": "paneldesk-demo-admin-key" } }).then((r) => r.json());
  assert.ok(!truth.users.slice(0, 100).some((u) => shown.includes(u.username)), "no customer");
  await screenshot(browser, "first-run-31-diagnostics");
});

test("backup: this machine's data exported encrypted, a wrong passphrase refused, the right one staged for the restart", async () => {
  const { browser } = app;
  await navigate(browser, "Backup");
  await typeInto(browser, "backup-passphrase", "e2e passphrase 4242");
  await typeInto(browser, "backup-passphrase-again", "e2e passphrase 4242");
  await (await browser.$('[data-testid="backup-export-run"]')).click();
  const made = await browser.$('[data-testid="backup-made"]');
  await made.waitForDisplayed({ timeout: 60_000, timeoutMsg: "the backup was not written" });
  const path = (await made.getText()).match(/^Written to (.+\.age)\. /)[1];
  const sealed = readFileSync(path);
  assert.ok(sealed.length > 1000);
  // Encrypted: the operator's template is not readable in it.
  assert.ok(!sealed.toString("latin1").includes("Refill started"));

  await (await browser.$('[data-testid="backup-file"]')).addValue(path);
  await typeInto(browser, "backup-restore-passphrase", "not the passphrase");
  await (await browser.$('[data-testid="backup-restore-run"]')).click();
  const refused = await browser.$('[data-testid="backup-restore-error"]');
  await refused.waitForDisplayed({ timeout: 60_000, timeoutMsg: "a wrong passphrase was not refused" });
  assert.match(await refused.getText(), /cannot be opened with this passphrase[\s\S]*nothing was changed/);
  await typeInto(browser, "backup-restore-passphrase", "e2e passphrase 4242");
  await (await browser.$('[data-testid="backup-restore-run"]')).click();
  await (await browser.$('[data-testid="backup-staged"]')).waitForDisplayed({ timeout: 60_000, timeoutMsg: "the restore was not staged" });
  assert.ok(await (await browser.$('[data-testid="backup-restart"]')).isDisplayed());
  await screenshot(browser, "first-run-32-backup");
});

test("local API: served on a port, a key made for orders only reads the demo panel's orders as a panel serves them, resends one once per Idempotency-Key, and is refused once revoked", async () => {
  const { browser, dataDir } = app;
  await navigate(browser, "Local API keys");
  const port = await freePort();
  await typeInto(browser, "local-api-port", String(port));
  await (await browser.$('[data-testid="local-api-enabled"]')).click();
  const state = await browser.$('[data-testid="local-api-state"]');
  await state.waitUntil(async () => (await state.getText()) === `Serving at http://127.0.0.1:${port}`, {
    timeout: 10_000,
    timeoutMsg: "the local API did not start",
  });

  await (await browser.$('[data-testid="api-key-new"]')).click();
  await typeInto(browser, "api-key-name", "nightly report");
  await choose(browser, "api-key-scope-orders", "write");
  await (await browser.$('[data-testid="api-key-create"]')).click();
  const shown = await browser.$('[data-testid="api-key-secret-value"]');
  await shown.waitForDisplayed({ timeout: 10_000 });
  const secret = await shown.getText();
  assert.match(secret, /^pdk_[0-9a-f]{64}$/);
  await screenshot(browser, "first-run-33-api-key-made");
  await (await browser.$('[data-testid="api-key-done"]')).click();

  // A script's request, as it would ask a panel.
  const base = `http://127.0.0.1:${port}/Demo%20panel/adminapi/v2`;
  const get = (path) => fetch(`${base}${path}`, { headers: { "X-Api-Key": secret } });
  const orders = await get("/orders?limit=5");
  assert.equal(orders.status, 200);
  const body = await orders.json();
  assert.equal(body.error_code, 0);
  assert.equal(body.data.list.length, 5);
  assert.ok(body.data.list.every((o) => typeof o.id === "number" && o.created_timestamp > 0 && o.charge.value));
  assert.equal((await get("/users?limit=5")).status, 403, "users are out of its scope");

  // A write, through the window's own use case: sent once per Idempotency-Key.
  const [demo] = cliJson(["--data-dir", dataDir, "panel", "list"]);
  const writes = () =>
    fetch(`${new URL(demo.url).origin}/__fake/writes`, { headers: { "x-api-key": "paneldesk-demo-admin-key" } }).then((r) => r.json());
  const before = (await writes()).length;
  const resend = () =>
    fetch(`${base}/orders/resend`, {
      method: "POST",
      headers: { "X-Api-Key": secret, "Idempotency-Key": "resend-1", "content-type": "application/json" },
      body: JSON.stringify({ ids: String(body.data.list[0].id) }),
    });
  const first = await resend();
  assert.equal(first.status, 200);
  const answer = await first.json();
  assert.equal(answer.error_code, 0);
  assert.deepEqual(await (await resend()).json(), answer, "the same key gets the first answer");
  const after = await writes();
  assert.equal(after.length, before + 1, "sent once");
  assert.ok(after.at(-1).path.endsWith("/orders/resend"));

  const row = await browser.$('[data-testid="api-key-row"][data-key-name="nightly report"]');
  assert.match(await row.getText(), new RegExp(`${secret.slice(0, 12)}…`));
  assert.ok(!(await row.getText()).includes(secret), "the list shows the prefix only");
  await screenshot(browser, "first-run-34-api-keys");
  await (await row.$('[data-testid="api-key-revoke"]')).click();
  await row.waitUntil(async () => (await row.getAttribute("data-status")) === "revoked", {
    timeout: 10_000,
    timeoutMsg: "the key was not revoked",
  });
  assert.equal((await get("/orders?limit=5")).status, 401, "a revoked key is refused at once");
});

test("no key crossed the IPC: every answer and event the window received in this journey was searched", async () => {
  const { answers, hits } = await ipcScanResult(app.browser);
  // The journey above: a sync, every screen, AI, replies, payments, a rival.
  assert.ok(answers > 500, `only ${answers} answers were searched`);
  assert.deepEqual(hits, [], `keys in the answers of: ${hits.join(", ")}`);
});
