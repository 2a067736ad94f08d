// The harness of the end-to-end journeys: the real app binary, started by
// tauri-driver (which drives Debian's WebKitWebDriver), one data dir per journey.
//
// Run by tests/run-all inside Xvfb and a D-Bus session with an unlocked keyring;
// it needs APP_BIN, CLI_BIN, FAKE_BIN and TAURI_DRIVER in the environment.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = join(here, "screenshots");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journeys through tests/run-all (make test)`);
  return value;
}

/** A TCP port nobody listens on right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls tauri-driver's /status until it answers, or fails after `timeoutMs`. */
async function waitForDriver(port, driver, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited with ${driver.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`tauri-driver did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts the app with a fresh data dir (or the one given) and returns
 * `{ browser, dataDir, close }`. Each app gets its own tauri-driver so its
 * environment (data dir) is its own.
 */
export async function launchApp({ dataDir, env = {}, ipcSecrets = [], app = required("APP_BIN") } = {}) {
  const driverBin = required("TAURI_DRIVER");
  dataDir ??= mkdtempSync(join(tmpdir(), "paneldesk-e2e-"));
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(driverBin, ["--port", String(port), "--native-port", String(nativePort)], {
    env: {
      // Exports (CSV, backups) go beside the data dir, never to the runner's home.
      PANELDESK_EXPORT_DIR: join(dataDir, "exports"),
      // The app renders without WebKit's accelerated compositing (its
      // default: src-tauri/app/lib.rs, `software_rendering`). A run that
      // turns it back on (WEBKIT_DISABLE_COMPOSITING_MODE=0) composites
      // with Mesa's software GL (llvmpipe) under Xvfb, whose compositor
      // thread crashes now and then (a general protection fault in
      // swrast_dri.so): with no worker threads, llvmpipe rasterises in the
      // calling thread instead.
      LP_NUM_THREADS: "0",
      ...process.env,
      ...env,
      // Every IPC answer the window receives is searched for these (a debug
      // build's secrets scan: src-tauri/app/ipc_scan.rs); see ipcScanResult.
      ...(ipcSecrets.length ? { PANELDESK_IPC_SCAN: ipcSecrets.join("\n") } : {}),
      PANELDESK_DATA_DIR: dataDir,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  try {
    await waitForDriver(port, driver);
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      capabilities: { "tauri:options": { application: app } },
    });
    const close = async () => {
      try {
        await browser.deleteSession();
      } finally {
        driver.kill();
        await stopApp(app, dataDir);
        printLogProblems(dataDir);
      }
    };
    const pid = () => appPids(app, dataDir)[0];
    return { browser, dataDir, close, pid };
  } catch (e) {
    driver.kill();
    throw e;
  }
}

/**
 * The app's own warnings and errors of this run (its log in the data dir),
 * so a journey that failed in CI says what the app saw.
 */
function printLogProblems(dataDir) {
  const dir = join(dataDir, "logs");
  let lines = [];
  try {
    for (const f of readdirSync(dir).sort()) {
      lines.push(...readFileSync(join(dir, f), "utf8").split("\n").filter((l) => /\b(WARN|ERROR)\b/.test(l)));
    }
  } catch {
    return; // No log: the app never opened its data dir.
  }
  if (lines.length > 0) {
    lines = lines.slice(-20);
    console.error(`the app's warnings and errors (${dir}, last ${lines.length}):\n  ${lines.join("\n  ")}`);
  }
}

/** The pids of `binary` running on `dataDir` (read from /proc). */
function appPids(binary, dataDir) {
  const pids = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
      const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (basename(cmd) === basename(binary) && env.includes(`PANELDESK_DATA_DIR=${dataDir}`)) pids.push(Number(pid));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/**
 * Makes sure the app is gone once its session ends. WebKitWebDriver ends the
 * app it started when the session is deleted, but not always before the
 * driver is killed; an app left behind keeps the runner's output open and
 * the whole run waits on it. Waits up to 10 s for it to go, then kills it.
 */
async function stopApp(binary, dataDir) {
  const deadline = Date.now() + 10_000;
  while (appPids(binary, dataDir).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const pid of appPids(binary, dataDir)) {
    console.error(`the app (pid ${pid}) outlived its session: killed`);
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // It went on its own just now.
    }
  }
}

/** Waits until the webview has painted what the last action changed. */
export async function settled(browser) {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
}

/** Saves a screenshot as tests/e2e/screenshots/<name>.png, after the frame settles. */
export async function screenshot(browser, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await settled(browser);
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // WebKit takes a screenshot at the window's next paint, and without
  // accelerated compositing (the app's default) an idle page never paints:
  // one pixel in a corner changes at every frame until it is taken.
  await browser.execute(() => {
    const pixel = document.createElement("div");
    pixel.id = "e2e-paint";
    pixel.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
    document.body.append(pixel);
    let frame = 0;
    const tick = () => {
      if (!pixel.isConnected) return;
      pixel.style.background = frame++ % 2 ? "rgba(0,0,0,0.01)" : "rgba(0,0,0,0.02)";
      requestAnimationFrame(tick);
    };
    tick();
  });
  try {
    await browser.saveScreenshot(path);
  } finally {
    await browser.execute(() => document.getElementById("e2e-paint")?.remove());
  }
  return path;
}

/** Runs the built CLI and parses its JSON answer. */
export function cliJson(args, env = {}) {
  return JSON.parse(cli([...args, "--json"], env));
}

/** Runs the built CLI; throws with its stderr when it fails. */
export function cli(args, env = {}) {
  // A report over a big panel prints megabytes (top spenders: 50,000 users
  // a day), past Node's default 1 MB of output.
  return execFileSync(required("CLI_BIN"), args, { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
}

/** The fake panel's admin key (its default). */
export const FAKE_KEY = "fake-admin-key-0000";

/**
 * Starts the fake panel binary (a real HTTP server) and returns
 * `{ url, key, stop }` once it listens. `options` become its flags.
 */
export async function startFake(options = {}) {
  // `true` is a bare switch (`--catalogue-moves`).
  const args = Object.entries(options).flatMap(([k, v]) =>
    v === true ? [`--${k.replace(/_/g, "-")}`] : [`--${k.replace(/_/g, "-")}`, String(v)],
  );
  const child = spawn(required("FAKE_BIN"), args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("http://"));
      if (line) resolve(line.trim());
    });
    child.on("exit", (code) => reject(new Error(`the fake panel exited with ${code} before listening`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return { url, key: FAKE_KEY, stop };
}

/**
 * Starts the fake AI server (`paneldesk-fakeai`, built beside the fake
 * panel): OpenAI and Anthropic, streamed. Returns `{ url, key, script,
 * record, stop }`; `script` sets its answers, `record` reads what it got.
 */
export async function startFakeAi(key = "fake-ai-key-0000") {
  const bin = join(dirname(required("FAKE_BIN")), "paneldesk-fakeai");
  const child = spawn(bin, ["--key", key], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("http://"));
      if (line) resolve(line.trim());
    });
    child.on("exit", (code) => reject(new Error(`the fake AI server exited with ${code} before listening`)));
  });
  const script = (body) =>
    fetch(`${url}/__fake/script`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const record = () => fetch(`${url}/__fake/record`).then((r) => r.json());
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return { url, key, script, record, stop };
}

/**
 * The local update server (`paneldesk-updateserver`, built beside the fake
 * panel): a throwaway minisign key made at its start, `latest.json` per
 * scenario (`newer`, `tampered`, `wrong-signature`, `older`) and a small
 * signed stand-in artifact. Returns `{ url, pubkey, stop }`.
 */
export async function startUpdateServer() {
  const bin = join(dirname(required("FAKE_BIN")), "paneldesk-updateserver");
  const child = spawn(bin, [], { stdio: ["ignore", "pipe", "inherit"] });
  const [url, pubkey] = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const lines = out.split("\n");
      if (lines.length > 2) resolve([lines[0].trim(), lines[1].trim()]);
    });
    child.on("exit", (code) => reject(new Error(`the update server exited with ${code} before listening`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return { url, pubkey, stop };
}

/**
 * A desktop notification server on the test's own D-Bus session (Debian's
 * python3-dbusmock, its notification_daemon template), started before the
 * app so the app's notifications reach it. `notices()` reads every Notify
 * call it received as `{ title, body }`.
 */
export async function startNotificationDaemon() {
  const log = join(mkdtempSync(join(tmpdir(), "paneldesk-notify-")), "notify.log");
  const child = spawn("/usr/bin/python3", ["-m", "dbusmock", "--session", "-t", "notification_daemon", "-l", log], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const owned = () => {
    try {
      const out = execFileSync(
        "dbus-send",
        ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications"],
        { encoding: "utf8" },
      );
      return out.includes("boolean true");
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 15_000;
  while (!owned()) {
    if (child.exitCode !== null) throw new Error(`the notification daemon exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("the notification daemon never took its D-Bus name");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A log line: `<time> Notify "app" <replaces> "<icon>" "<summary>" "<body>" [...] {...} <timeout>`.
  const quoted = '"((?:[^"\\\\]|\\\\.)*)"';
  const line = new RegExp(`^\\S+ Notify ${quoted} \\d+ ${quoted} ${quoted} ${quoted}`);
  const notices = () => {
    let text = "";
    try {
      text = readFileSync(log, "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .map((l) => l.match(line))
      .filter(Boolean)
      .map((m) => ({ title: m[3], body: m[4] }));
  };
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { notices, stop };
}

/** `gdbus call` on the session bus; its output as text. */
function gdbus(dest, path, method, ...args) {
  return gdbusWithin(10, dest, path, method, ...args);
}
/** The same, for a peer that may never answer. */
function gdbusQuick(dest, path, method, ...args) {
  return gdbusWithin(2, dest, path, method, ...args);
}
function gdbusWithin(seconds, dest, path, method, ...args) {
  const call = ["call", "--session", "--timeout", String(seconds), "--dest", dest, "--object-path", path, "--method", method];
  return execFileSync("gdbus", [...call, "--", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * A tray host on the test's own D-Bus session: the StatusNotifierWatcher a
 * desktop's panel runs (xfce4-panel, GNOME's AppIndicator extension, KDE),
 * played by python3-dbusmock and started before the app, which registers
 * its tray icon with it. `menu(pid)` reads the icon's menu as a host shows
 * it (com.canonical.dbusmenu GetLayout); `click(pid, label)` clicks an item
 * as a host does.
 */
export async function startTrayHost() {
  const log = join(mkdtempSync(join(tmpdir(), "paneldesk-tray-")), "tray.log");
  const name = "org.kde.StatusNotifierWatcher";
  const path = "/StatusNotifierWatcher";
  const child = spawn("/usr/bin/python3", ["-m", "dbusmock", "--session", "-l", log, name, path, name], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      gdbus(name, path, "org.freedesktop.DBus.Introspectable.Introspect");
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`the tray host exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error("the tray host never took its D-Bus name");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  gdbus(name, path, "org.freedesktop.DBus.Mock.AddMethods", name,
    '[("RegisterStatusNotifierItem", "s", "", ""), ("RegisterStatusNotifierHost", "s", "", "")]');
  gdbus(name, path, "org.freedesktop.DBus.Mock.AddProperties", name,
    '{"IsStatusNotifierHostRegistered": <true>, "ProtocolVersion": <0>, "RegisteredStatusNotifierItems": <@as []>}');

  // The item the app registered, and the app's connection (by its pid).
  const item = (pid) => {
    const registered = readFileSync(log, "utf8").match(/RegisterStatusNotifierItem "([^"]+)"/);
    if (!registered) return null;
    // The app holds several connections (GTK's, and those of libraries it
    // links that serve none); the icon is on the one that answers for it.
    const bus = (...args) => gdbus("org.freedesktop.DBus", "/org/freedesktop/DBus", ...args);
    for (const owner of bus("org.freedesktop.DBus.ListNames").match(/:1\.\d+/g)) {
      let menu;
      try {
        if (bus("org.freedesktop.DBus.GetConnectionUnixProcessID", owner).trim() !== `(uint32 ${pid},)`) continue;
        menu = gdbusQuick(owner, registered[1], "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierItem", "Menu");
      } catch {
        continue;
      }
      return { owner, menuPath: menu.match(/'([^']+)'/)[1] };
    }
    return null;
  };
  // GetLayout's text: `(<id>, {'enabled': <false>, 'label': <'Sync now'>, ...}, ...)` per item.
  const menu = (pid) => {
    const at = item(pid);
    if (!at) return [];
    const layout = gdbus(at.owner, at.menuPath, "com.canonical.dbusmenu.GetLayout", "0", "-1", "@as []");
    return [...layout.matchAll(/<\((\d+), \{([^}]*)\}/g)]
      .map(([, id, props]) => ({ id: Number(id), label: props.match(/'label': <'([^']*)'>/)?.[1], enabled: !props.includes("'enabled': <false>") }))
      .filter((i) => i.label !== undefined);
  };
  const click = (pid, label) => {
    const at = item(pid);
    const entry = menu(pid).find((i) => i.label === label);
    if (!at || !entry) throw new Error(`the tray has no item "${label}"`);
    gdbus(at.owner, at.menuPath, "com.canonical.dbusmenu.Event", String(entry.id), "clicked", "<0>", "0");
  };
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { menu, click, stop };
}

/**
 * A data dir with one panel configured (its key read from the environment,
 * as `--no-keychain` panels are) and synced once by the CLI: journeys that
 * start from a working console. Returns the env the app needs for the key.
 */
export function configuredDataDir(name, fake) {
  const dataDir = mkdtempSync(join(tmpdir(), "paneldesk-e2e-"));
  const env = { [`PANELDESK_ADMIN_KEY_${name.toUpperCase()}`]: fake.key };
  cli(["--data-dir", dataDir, "panel", "add", "--name", name, "--url", fake.url, "--no-keychain", "--rate-limit", "200"], env);
  cli(["--data-dir", dataDir, "sync", "--once"], env);
  return { dataDir, env };
}

/**
 * Sets a <select> the way a user would (WebDriver cannot drive the native
 * popup), once it offers `value` (choices may load after the screen).
 */
export async function choose(browser, testId, value) {
  await browser.waitUntil(
    () =>
      browser.execute(
        (id, v) => Array.from(document.querySelectorAll(`[data-testid="${id}"] option`)).some((o) => o.value === v),
        testId,
        value,
      ),
    { timeout: 10_000, timeoutMsg: `the ${testId} choice never offered ${value}` },
  );
  await browser.execute(
    (id, v) => {
      const select = document.querySelector(`[data-testid="${id}"]`);
      select.value = v;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    },
    testId,
    value,
  );
}

/** The text of every element matching `selector`, in document order. */
export async function texts(browser, selector) {
  return browser.execute((s) => Array.from(document.querySelectorAll(s), (e) => e.textContent.trim()), selector);
}

/** Clicks a link of the main navigation by its label. */
export async function navigate(browser, label) {
  const link = await (await browser.$('nav[aria-label="Main"]')).$(`a=${label}`);
  await link.click();
  const heading = await browser.$('[data-testid="screen-title"]');
  await heading.waitUntil(async () => (await heading.getText()) === label, {
    timeout: 10_000,
    timeoutMsg: `the ${label} screen did not open`,
  });
}

/** Types into an input, replacing what it held (WebDriver's clear fires no input event). */
export async function typeInto(browser, testId, text) {
  const input = await browser.$(`[data-testid="${testId}"]`);
  await input.click();
  await browser.keys(["Control", "a"]);
  await browser.keys(["Backspace"]);
  await input.addValue(text);
}

/**
 * What the window's IPC secrets scan saw (launchApp's ipcSecrets): how many
 * command answers and event payloads it searched, and the names of those
 * that held a secret.
 */
export async function ipcScanResult(browser) {
  return browser.execute(() => window.__PANELDESK_IPC_SCANNED__ ?? { answers: 0, hits: [] });
}
