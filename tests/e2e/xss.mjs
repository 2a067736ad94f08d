// The XSS corpus (tests/fixtures/xss-corpus.json, shared with the core's
// sanitizer test) put into a fake panel's tickets, and the canary server
// each vector would call if it ever ran or loaded anything.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** A server on 127.0.0.1 that records every request it receives. */
export async function startCanary() {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { "content-type": "image/gif", "access-control-allow-origin": "*" });
    res.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, hits, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The corpus with its placeholders filled: `{{URL}}` a canary address of
 * the vector's own, `{{JS}}` a statement that sets `window.__pwned` and
 * requests that address (no quote, space or angle bracket in it).
 */
export function corpus(canaryBase) {
  const all = JSON.parse(readFileSync(join(here, "../fixtures/xss-corpus.json"), "utf8"));
  return all.map((v) => {
    const url = `${canaryBase}/hit/${v.id}`;
    const codes = [...url].map((c) => c.charCodeAt(0)).join(",");
    const js = `window.__pwned=1;fetch(String.fromCharCode(${codes}))`;
    return { id: v.id, html: v.html.replaceAll("{{URL}}", url).replaceAll("{{JS}}", js) };
  });
}

/**
 * Writes the vectors into the fake's tickets as customer messages, spread
 * evenly, several per ticket; returns the ticket ids used.
 */
export async function plant(fake, vectors) {
  const truth = await fetch(`${fake.url}/__fake/truth`, { headers: { "x-api-key": fake.key } }).then((r) => r.json());
  const ids = truth.tickets.map((t) => t.id);
  for (const [i, v] of vectors.entries()) {
    const id = ids[i % ids.length];
    const r = await fetch(`${fake.url}/__fake/tickets/${id}/customer-message`, {
      method: "POST",
      headers: { "x-api-key": fake.key, "content-type": "application/json" },
      body: JSON.stringify({ message: v.html }),
    });
    if (!r.ok) throw new Error(`planting ${v.id} in ticket ${id}: HTTP ${r.status}`);
  }
  return ids;
}
