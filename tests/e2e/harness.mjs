// The harness of the end-to-end journeys: the real app binary, started by
// tauri-driver (which drives Debian's WebKitWebDriver), one data dir per journey.
//
// Run by tests/run-all inside Xvfb and a D-Bus session with an unlocked keyring;
// it needs APP_BIN, CLI_BIN and TAURI_DRIVER in the environment.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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
async function freePort() {
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
export async function launchApp({ dataDir } = {}) {
  const app = required("APP_BIN");
  const driverBin = required("TAURI_DRIVER");
  dataDir ??= mkdtempSync(join(tmpdir(), "paneldesk-e2e-"));
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(driverBin, ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, PANELDESK_DATA_DIR: dataDir },
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
      }
    };
    return { browser, dataDir, close };
  } catch (e) {
    driver.kill();
    throw e;
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
  await browser.saveScreenshot(path);
  return path;
}

/** Runs the built CLI and parses its JSON answer. */
export function cliJson(args) {
  const out = execFileSync(required("CLI_BIN"), [...args, "--json"], { encoding: "utf8" });
  return JSON.parse(out);
}
