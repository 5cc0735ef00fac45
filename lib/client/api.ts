"use client";

import { isErrorCode, type ErrorCode } from "@/lib/api-errors";
import { VARIANTS, type VariantId } from "@/lib/catalog/variants";
import { expiresSoon, refreshAccessToken, tokenStore, type StoredToken } from "./bearer-tokens";

// The browser side of the JSON API, for every variant. Cookie variants send
// their cookie by themselves; bearer variants add the token they keep in
// localStorage (lib/client/bearer-tokens.ts), which is exactly what makes it
// readable by any script on the page. jwt-refresh renews its short access
// token before it expires, and once more after a 401.

export type { StoredToken };

/** The jwt strategy's token (the route group's pages use it directly). */
export const jwtStorage = tokenStore("jwt");

/**
 * A failure carries the server's `code` (lib/api-errors.ts): branch on it, never on `error`, which is for
 * people. `code` is null when there was no JSON answer with a code (network down: status 0; Node's own 431).
 */
export type ApiFailure = { ok: false; status: number; code: ErrorCode | null; error: string };
export type ApiResult<T> = { ok: true; status: number; data: T } | ApiFailure;

// Requests still on the wire, per variant. Auth.js re-issues its cookie on every
// read: a read that started before sign-out and answers after it would set the
// session cookie again, so signOut() lets them finish first.
const inFlight = new Map<VariantId, Set<Promise<unknown>>>();

export function api<T>(variant: VariantId, path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  const pending = inFlight.get(variant) ?? new Set<Promise<unknown>>();
  inFlight.set(variant, pending);
  const request = send<T>(variant, path, init);
  pending.add(request);
  void request.finally(() => pending.delete(request));
  return request;
}

const SETTLE_BEFORE_SIGN_OUT_MS = 5000;

/** Sign out of a variant once this page's requests to it have answered (see inFlight), then drop any bearer token. */
export async function signOut(variant: VariantId): Promise<ApiResult<{ ok: true }>> {
  const pending = [...(inFlight.get(variant) ?? [])];
  await Promise.race([Promise.allSettled(pending), new Promise((resolve) => setTimeout(resolve, SETTLE_BEFORE_SIGN_OUT_MS))]);
  const result = await api<{ ok: true }>(variant, "/logout", { method: "POST" });
  if (VARIANTS[variant].transport === "bearer") tokenStore(variant).clear();
  return result;
}

async function send<T>(variant: VariantId, path: string, init: { method?: string; body?: unknown }): Promise<ApiResult<T>> {
  const info = VARIANTS[variant];
  const bearer = info.transport === "bearer";
  const refreshes = info.capabilities.refresh === true;
  const store = tokenStore(variant);

  async function attempt(token: string | null): Promise<Response | null> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await fetch(`/api/${variant}${path}`, {
        method: init.method ?? "GET",
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch {
      return null;
    }
  }

  let stored = bearer ? store.get() : null;
  if (refreshes && stored && expiresSoon(stored)) stored = (await refreshAccessToken(variant, stored.token)) ?? stored;
  let res = await attempt(stored?.token ?? null);
  // An access token can expire between the check and the request: renew once and retry.
  if (refreshes && stored && res?.status === 401) {
    const fresh = await refreshAccessToken(variant, stored.token);
    if (fresh) res = await attempt(fresh.token);
  }
  if (!res) return { ok: false, status: 0, code: null, error: "Network error: is the server running?" };
  const payload = (await res.json().catch(() => null)) as
    (T & { error?: string; code?: unknown; token?: string; expiresAt?: string }) | null;
  if (!res.ok) {
    const code = isErrorCode(payload?.code) ? payload.code : null;
    return { ok: false, status: res.status, code, error: payload?.error ?? `HTTP ${res.status}` };
  }
  // A new bearer token (sign-in, a re-issue after a rename) replaces the stored one.
  if (bearer && payload?.token && payload.expiresAt) store.set({ token: payload.token, expiresAt: payload.expiresAt });
  return { ok: true, status: res.status, data: payload as T };
}
