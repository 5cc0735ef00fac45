import type { HandoffEventId, HandoffFlowId } from "@/lib/catalog/handoff";
import { MATRIX_PROFILE_HEADER } from "@/lib/catalog/lifetimes";
import { HANDOFF_ROUTES, PARTNER_HOME } from "@/lib/handoff";

// The comparison scenario of the cross-domain handoff, over real HTTP
// against a running app: hand a user over from A to B (the one-time handoff,
// or the naive shared JWT), then sign out, revoke all sessions, or have an
// admin disable the user on A, and poll B until it refuses the credential.
// Expected: the handoff's B session is refused at once (the back-channel
// logout has run before A answered); the naive JWT is accepted until it expires.
//
// Only fetch() is used (no database, no server module), so the comparison
// runner, a CLI (scripts/handoff-scenario.ts) and the Playwright suite all call
// `runHandoffScenario()` the same way. docs/handoff.md, "Measuring it".

// The flows, events and expected outcomes are in the catalog (lib/catalog/handoff.ts).
export type HandoffScenarioFlow = HandoffFlowId;
export type HandoffScenarioEvent = HandoffEventId;

export interface Account {
  email: string;
  password: string;
}

export interface HandoffScenarioOptions {
  /** Origin A (the main app) and origin B (the partner app) of the running app. */
  originA: string;
  originB: string;
  flow: HandoffScenarioFlow;
  event: HandoffScenarioEvent;
  /** The account handed over. Use an account of the run's own: "disable" disables it (and re-enables it at the end). */
  user: Account;
  /** An admin of A, for "disable" (signed in through the stateful strategy). */
  admin?: Account;
  /** Time between two probes of B (default 100 ms): the resolution of the measured latency. */
  pollIntervalMs?: number;
  /** How long to keep probing B after the event while it still accepts (default 3000 ms). */
  observeMs?: number;
  /**
   * "matrix": the naive JWT is issued with the matrix profile's lifetime (10 s, refused from 15 s), so a run
   * with observeMs ≥ 16000 sees it expire by itself. The handoff's own lifetimes do not change.
   */
  profile?: "matrix";
  fetch?: typeof fetch;
}

export interface HandoffScenarioSample {
  /** Milliseconds since A confirmed the event. */
  atMs: number;
  accepted: boolean;
}

export interface HandoffScenarioResult {
  flow: HandoffScenarioFlow;
  event: HandoffScenarioEvent;
  /** B accepted the credential before the event (else the run proves nothing). */
  acceptedBefore: boolean;
  /** From A's answer to the event until B first refused, ms; null: still accepted when the run ended. */
  revocationLatencyMs: number | null;
  pollIntervalMs: number;
  /** How long B was observed after the event, ms. */
  observedMs: number;
  samples: HandoffScenarioSample[];
  /** When the credential B holds expires by itself (ISO), as B reported it before the event. */
  credentialExpiresAt: string | null;
}

export class HandoffScenarioError extends Error {
  override name = "HandoffScenarioError";
}

/** A cookie jar for one origin: enough of RFC 6265 for this app's cookies (host-only, Path=/). */
class Jar {
  private readonly cookies = new Map<string, string>();
  header(): Record<string, string> {
    return this.cookies.size ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {};
  }
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export async function runHandoffScenario(opts: HandoffScenarioOptions): Promise<HandoffScenarioResult> {
  const doFetch = opts.fetch ?? fetch;
  const pollIntervalMs = opts.pollIntervalMs ?? 100;
  const observeMs = opts.observeMs ?? 3000;
  const { originA, originB } = opts;
  const jarA = new Jar();
  const jarB = new Jar();

  async function call(url: string, jar: Jar | null, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { Accept: "application/json", ...(jar?.header() ?? {}), ...init.headers };
    if (init.json !== undefined) headers["Content-Type"] = "application/json";
    // State-changing calls come from the origin's own page, as a browser would send them (the CSRF check wants it).
    if (init.method && init.method !== "GET") headers.Origin = new URL(url).origin;
    const res = await doFetch(url, {
      method: init.method ?? "GET",
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      redirect: "manual",
      cache: "no-store",
    });
    jar?.take(res);
    return res;
  }

  async function expectStatus(res: Response, status: number, step: string): Promise<Response> {
    if (res.status !== status) {
      const body = await res.text().catch(() => "");
      throw new HandoffScenarioError(`${step}: expected HTTP ${status}, got ${res.status} ${body.slice(0, 200)}`);
    }
    return res;
  }

  async function signInOnA(account: Account, jar: Jar): Promise<string> {
    const res = await expectStatus(
      await call(`${originA}/api/stateful/login`, jar, { method: "POST", json: account }),
      200,
      "sign in on A",
    );
    return ((await res.json()) as { user: { id: string } }).user.id;
  }

  const userId = await signInOnA(opts.user, jarA);

  // Hand over, and build the probe of B.
  let probe: () => Promise<Response>;
  if (opts.flow === "handoff") {
    const toA = await expectStatus(
      await call(`${originB}${HANDOFF_ROUTES.begin}?next=${encodeURIComponent(PARTNER_HOME)}`, jarB),
      303,
      "begin on B",
    );
    const toB = await expectStatus(await call(location(toA, originA, "begin"), jarA), 303, "authorize on A");
    const landed = await expectStatus(await call(location(toB, originB, "authorize"), jarB), 303, "exchange on B");
    if (location(landed, originB, "exchange") !== `${originB}${PARTNER_HOME}`)
      throw new HandoffScenarioError("exchange on B: unexpected redirect");
    probe = () => call(`${originB}${HANDOFF_ROUTES.partnerSession}`, jarB);
  } else {
    const headers = opts.profile ? { [MATRIX_PROFILE_HEADER]: opts.profile } : undefined;
    const res = await expectStatus(
      await call(`${originA}${HANDOFF_ROUTES.naiveToken}`, jarA, { method: "POST", headers }),
      200,
      "naive token on A",
    );
    const { token } = (await res.json()) as { token: string };
    probe = () => call(`${originB}${HANDOFF_ROUTES.naiveMe}`, null, { headers: { Authorization: `Bearer ${token}` } });
  }

  const before = await probe();
  const acceptedBefore = before.status === 200;
  const body = acceptedBefore ? ((await before.json()) as { session?: { expiresAt?: string } }) : null;
  const credentialExpiresAt = body?.session?.expiresAt ?? null;
  if (!acceptedBefore) await before.body?.cancel();

  let adminJar: Jar | null = null;
  const disable = (disabled: boolean) =>
    call(`${originA}/api/stateful/admin/users/${encodeURIComponent(userId)}/disable`, adminJar, { method: "POST", json: { disabled } });
  try {
    // The event on A.
    if (opts.event === "sign-out")
      await expectStatus(await call(`${originA}/api/stateful/logout`, jarA, { method: "POST" }), 200, "sign out on A");
    else if (opts.event === "revoke-all")
      await expectStatus(await call(`${originA}/api/stateful/logout-all`, jarA, { method: "POST" }), 200, "revoke all on A");
    else {
      if (!opts.admin) throw new HandoffScenarioError('The "disable" event needs an admin account.');
      adminJar = new Jar();
      await signInOnA(opts.admin, adminJar);
      await expectStatus(await disable(true), 200, "disable on A");
    }

    // Poll B from the moment A confirmed the event.
    const start = performance.now();
    const samples: HandoffScenarioSample[] = [];
    let revocationLatencyMs: number | null = null;
    for (;;) {
      const atMs = performance.now() - start;
      const res = await probe();
      await res.body?.cancel();
      const accepted = res.status === 200;
      samples.push({ atMs: Math.round(atMs), accepted });
      if (!accepted) {
        revocationLatencyMs = Math.round(atMs);
        break;
      }
      if (atMs >= observeMs) break;
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
    return {
      flow: opts.flow,
      event: opts.event,
      acceptedBefore,
      revocationLatencyMs,
      pollIntervalMs,
      observedMs: Math.round(performance.now() - start),
      samples,
      credentialExpiresAt,
    };
  } finally {
    // Leave the account as the run found it.
    if (adminJar) await disable(false).catch(() => {});
  }
}

function location(res: Response, expectedOrigin: string, step: string): string {
  const target = res.headers.get("location");
  if (!target) throw new HandoffScenarioError(`${step}: redirect without a Location`);
  const url = new URL(target, expectedOrigin);
  if (url.origin !== expectedOrigin) throw new HandoffScenarioError(`${step}: redirected to ${url.origin}, expected ${expectedOrigin}`);
  return url.toString();
}
