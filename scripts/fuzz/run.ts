import http from "node:http";
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { VARIANT_IDS, VARIANTS } from "../../lib/catalog/variants";
import { httpAccountSource } from "../../lib/compare/accounts";
import { requestArbitrary, type Credentials, type FuzzRequest } from "./requests";

// The fuzz run (npm run fuzz, and the cluster tests with a smaller count):
// `count` hostile requests from a seeded fast-check generator, 8 at a time,
// against a running app. The property: no answer is ≥ 500, none hangs past
// REQUEST_TIMEOUT_MS. A failure names the seed and the request, so it replays.

export const REQUEST_TIMEOUT_MS = 15_000;
const BATCH = 8;

export interface FuzzOptions {
  baseUrl: string;
  count: number;
  seed: number;
  log?: (line: string) => void;
}

export interface FuzzResult {
  requests: number;
  seed: number;
  statuses: Record<string, number>;
  /** Requests answered ≥ 500 or not at all (the property's failures; fast-check stops at the first batch with one). */
  failures: { request: FuzzRequest; status: number; error?: string }[];
  counterexample: string | null;
}

const agent = new http.Agent({ keepAlive: false, maxSockets: BATCH });

/** Status of a request Node's HTTP client refuses to send (an invalid header character, say): not counted. */
export const UNSENDABLE = -1;

export function send(baseUrl: string, req: FuzzRequest): Promise<{ status: number; error?: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    let r: http.ClientRequest;
    try {
      r = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.path,
          headers: req.headers,
          agent,
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
          res.on("error", (e) => resolve({ status: 0, error: e.message }));
        },
      );
    } catch (error) {
      resolve({ status: UNSENDABLE, error: (error as Error).message });
      return;
    }
    r.on("timeout", () => r.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    r.on("error", (e) => resolve({ status: 0, error: e.message }));
    if (req.body !== null) r.write(req.body);
    r.end();
  });
}

/** What the front refuses before reading the whole request (request line, headers, body size): 4xx. */
const EARLY_REJECTIONS = new Set([400, 413, 414, 431]);

/**
 * send(), except that a connection closed on an oversized request is checked: nginx answers such a
 * request (414, 431, 413) and closes without reading the rest, and the client may lose that answer
 * to the reset while it is still sending. Sent again without its body, the answer must then be one
 * of those 4xx; anything else stays a failure.
 */
async function sendOrEarlyRejection(baseUrl: string, req: FuzzRequest): Promise<{ status: number; error?: string }> {
  const first = await send(baseUrl, req);
  if (first.status !== 0) return first;
  const again = await send(baseUrl, { ...req, body: null });
  return EARLY_REJECTIONS.has(again.status) ? again : first;
}

/** Signs the run's own accounts in under every variant: their cookies and tokens go into some requests. */
async function credentialsFor(baseUrl: string, accounts: { email: string; password: string }[]): Promise<Credentials> {
  const cookies: string[] = [];
  const bearers: string[] = [];
  const origin = new URL(baseUrl).origin;
  for (const account of accounts) {
    for (const variant of VARIANT_IDS) {
      const res = await fetch(`${baseUrl}/api/${variant}/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: origin },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
      const body = (await res.json().catch(() => null)) as { token?: unknown } | null;
      if (res.status !== 200) throw new Error(`fuzz: signing in to ${variant} answered ${res.status}`);
      const pairs = res.headers
        .getSetCookie()
        .map((line) => line.split(";")[0]!)
        .filter((p) => !p.endsWith("="));
      if (pairs.length) cookies.push(pairs.join("; "));
      if (typeof body?.token === "string" && VARIANTS[variant].transport === "bearer") bearers.push(body.token);
    }
  }
  return { cookies, bearers };
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const log = opts.log ?? (() => {});
  const target = { baseUrl: opts.baseUrl };
  const lease = await httpAccountSource(target).acquire(["member", "admin"], AbortSignal.timeout(30_000));
  const statuses: Record<string, number> = {};
  const failures: FuzzResult["failures"] = [];
  let requests = 0;
  let counterexample: string | null = null;
  try {
    const credentials = await credentialsFor(opts.baseUrl, lease.accounts);
    // Requests Node refuses to send are not counted, so generate a little more than asked; stop at the count.
    const batches = Math.ceil((opts.count * 1.1) / BATCH);
    const arbitrary = fc.array(requestArbitrary(credentials, new URL(opts.baseUrl).origin), { minLength: BATCH, maxLength: BATCH });
    let lastReport = Date.now();
    const property = fc.asyncProperty(arbitrary, async (batch) => {
      if (requests >= opts.count) return true;
      const answers = await Promise.all(batch.map((r) => sendOrEarlyRejection(opts.baseUrl, r)));
      let ok = true;
      answers.forEach((a, i) => {
        if (a.status === UNSENDABLE) return;
        requests += 1;
        statuses[a.status] = (statuses[a.status] ?? 0) + 1;
        if (a.status >= 500 || a.status === 0) {
          ok = false;
          failures.push({ request: batch[i]!, status: a.status, ...(a.error ? { error: a.error } : {}) });
        }
      });
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        log(`fuzz: ${requests} requests…`);
      }
      return ok;
    });
    const details = await fc.check(property, { numRuns: batches, seed: opts.seed, endOnFailure: true });
    if (details.failed) {
      counterexample = fc.stringify(details.counterexample);
      if (failures.length === 0 && details.errorInstance) throw details.errorInstance;
    }
  } finally {
    await lease.release().catch((e: unknown) => log(`fuzz: releasing the accounts failed: ${String(e)}`));
  }
  return { requests, seed: opts.seed, statuses, failures, counterexample };
}

/** Resident memory of a process group (an instance: next and any worker it runs), bytes; null when it is gone. */
export function groupRss(pgid: number): number | null {
  let total = 0;
  let found = false;
  const pageSize = 4096;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // pgrp
      total += Number(fields[21]) * pageSize; // rss, pages
      found = true;
    } catch {
      // gone meanwhile
    }
  }
  return found ? total : null;
}
