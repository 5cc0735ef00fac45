import * as rows from "@/lib/server/data/handoff";
import { HANDOFF_CLOCK_TOLERANCE_SECONDS, type HandoffTokens, type TokenFailure } from "./tokens";

// The back-channel logout, modelled on OpenID Connect Back-Channel Logout 1.0:
// when a session on A ends, A POSTs a signed logout token to B, server to
// server (`application/x-www-form-urlencoded`, `logout_token=<JWT>`), and B
// ends the partner session the token names. Nothing depends on the browser:
// B ends the session even if the user never returns to B.
//
// Delivery never fails the user's request on A. The first attempt is awaited
// (bounded by a timeout) so that B has ended its session by the time A answers;
// if B is unreachable or answers 5xx, a few retries follow in the background,
// each with a fresh token (a new jti: B refuses a jti it has seen), and then
// the failure is logged and dropped. A 4xx from B is final (B refused the
// token: a configuration error, retried in vain). Retries live in memory: a
// restart of A drops them (a durable outbox would not; the lab does not need one).

export type LogoutTarget = { sub: string; sid?: string };
export type DeliveryResult = "delivered" | "refused" | "retrying" | "dropped";

/** One structured line per back-channel event; never a token. */
export type BackChannelLog = (fields: Record<string, string | number | boolean | undefined>) => void;

export const defaultBackChannelLog: BackChannelLog = (fields) => {
  const line = JSON.stringify({ scope: "handoff.back-channel", ...fields });
  if (fields.level === "info") console.info(line);
  else console.warn(line);
};

export interface BackChannelOptions {
  tokens: Pick<HandoffTokens, "mintLogout">;
  /** B's receiver, e.g. http://127.0.0.1:3000/api/handoff/backchannel-logout. */
  endpoint: string;
  fetch?: typeof fetch;
  log?: BackChannelLog;
  /** Per attempt (default 3000 ms). */
  timeoutMs?: number;
  /** Pauses before each retry (default 1, 2, 4, 8 s: four retries within 15 s). */
  retryDelaysMs?: readonly number[];
  /** Retries waiting at once, across all targets; beyond it a failed delivery is dropped (and logged). */
  maxPending?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type BackChannel = ReturnType<typeof createBackChannel>;

export function createBackChannel(opts: BackChannelOptions) {
  const doFetch = opts.fetch ?? fetch;
  const log = opts.log ?? defaultBackChannelLog;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const delays = opts.retryDelaysMs ?? [1000, 2000, 4000, 8000];
  const maxPending = opts.maxPending ?? 1000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.()));
  let pending = 0;
  const inFlight = new Set<Promise<unknown>>();

  /** One POST with a fresh logout token: "ok", "refused" (4xx: final) or "failed" (network, timeout, 5xx: worth a retry). */
  async function attempt(target: LogoutTarget): Promise<{ outcome: "ok" | "refused" | "failed"; status?: number; error?: string }> {
    try {
      const { token } = await opts.tokens.mintLogout(target);
      const res = await doFetch(opts.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams({ logout_token: token }).toString(),
        redirect: "error",
        cache: "no-store",
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) return { outcome: "ok", status: res.status };
      return { outcome: res.status >= 400 && res.status < 500 ? "refused" : "failed", status: res.status };
    } catch (error) {
      // The cause's code says why (ECONNREFUSED, ENOTFOUND…); a timeout is a TimeoutError.
      const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
      return { outcome: "failed", error: typeof cause === "string" ? cause : error instanceof Error ? error.name : "error" };
    }
  }

  async function retry(target: LogoutTarget, reason: string): Promise<void> {
    try {
      for (let i = 0; i < delays.length; i++) {
        await sleep(delays[i]!);
        const result = await attempt(target);
        const where = { reason, sub: target.sub, sid: target.sid, attempt: i + 2, status: result.status, error: result.error };
        if (result.outcome === "ok") return log({ level: "info", event: "delivered", ...where });
        if (result.outcome === "refused") return log({ level: "error", event: "refused", ...where });
        log({ level: "warn", event: "attempt_failed", ...where });
      }
      log({ level: "error", event: "undelivered", reason, sub: target.sub, sid: target.sid, attempts: delays.length + 1 });
    } finally {
      pending--;
    }
  }

  return {
    /** Tell B to end the session(s) `target` names. Resolves once the first attempt is done; never rejects. */
    async send(target: LogoutTarget, reason: string): Promise<DeliveryResult> {
      const first = await attempt(target);
      const where = { reason, sub: target.sub, sid: target.sid, attempt: 1, status: first.status, error: first.error };
      if (first.outcome === "ok") {
        log({ level: "info", event: "delivered", ...where });
        return "delivered";
      }
      if (first.outcome === "refused") {
        log({ level: "error", event: "refused", ...where });
        return "refused";
      }
      if (pending >= maxPending || delays.length === 0) {
        log({ level: "error", event: "undelivered", ...where, dropped: true });
        return "dropped";
      }
      log({ level: "warn", event: "attempt_failed", ...where });
      pending++;
      const task = retry(target, reason);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      return "retrying";
    },

    /** Retries still waiting (for tests and the status line). */
    pending: () => pending,
    /** Resolves when every retry has finished (tests). */
    settled: () => Promise.all([...inFlight]).then(() => undefined),
  };
}

/** B's answer to a logout token. */
export type LogoutReceipt = { ok: true; sessionsEnded: number } | { ok: false; reason: TokenFailure | "replayed" };

/**
 * B's receiver: verify the logout token (key, iss A, aud B, typ, events, sub
 * or sid, no nonce), refuse a jti seen before, then end exactly the sessions
 * it names. A token naming nothing that exists is still a success (OIDC: the
 * RP may have ended that session already).
 */
export async function receiveLogoutToken(tokens: Pick<HandoffTokens, "verifyLogout">, token: unknown): Promise<LogoutReceipt> {
  const verified = await tokens.verifyLogout(token);
  if (!verified.ok) return verified;
  const { claims } = verified;
  const keepUntil = new Date((claims.exp + HANDOFF_CLOCK_TOLERANCE_SECONDS) * 1000);
  if (!(await rows.spendTokenId(claims.jti, "logout", keepUntil))) return { ok: false, reason: "replayed" };
  return { ok: true, sessionsEnded: await rows.deletePartnerSessionsNamed({ sub: claims.sub, sid: claims.sid }) };
}
