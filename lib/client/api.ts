"use client";

import { isErrorCode, type ErrorCode } from "@/lib/api-errors";
import type { StrategyId } from "@/lib/strategies";

// The browser side of the JSON API. Cookie strategies send their cookie by
// themselves; the jwt strategy adds the bearer token it keeps in localStorage,
// which is exactly what makes it readable by any script on the page.

const TOKEN_KEY = "session-lab.jwt";

export interface StoredToken {
  token: string;
  expiresAt: string;
}

export const jwtStorage = {
  get(): StoredToken | null {
    try {
      const raw = window.localStorage.getItem(TOKEN_KEY);
      return raw ? (JSON.parse(raw) as StoredToken) : null;
    } catch {
      return null;
    }
  },
  set(value: StoredToken) {
    window.localStorage.setItem(TOKEN_KEY, JSON.stringify(value));
  },
  clear() {
    window.localStorage.removeItem(TOKEN_KEY);
  },
};

/**
 * A failure carries the server's `code` (lib/api-errors.ts): branch on it, never on `error`, which is for
 * people. `code` is null when there was no JSON answer with a code (network down: status 0; Node's own 431).
 */
export type ApiFailure = { ok: false; status: number; code: ErrorCode | null; error: string };
export type ApiResult<T> = { ok: true; status: number; data: T } | ApiFailure;

export async function api<T>(strategy: StrategyId, path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (strategy === "jwt") {
    const stored = jwtStorage.get();
    if (stored) headers.Authorization = `Bearer ${stored.token}`;
  }
  let res: Response;
  try {
    res = await fetch(`/api/${strategy}${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return { ok: false, status: 0, code: null, error: "Network error: is the server running?" };
  }
  const payload = (await res.json().catch(() => null)) as
    (T & { error?: string; code?: unknown; token?: string; expiresAt?: string }) | null;
  if (!res.ok) {
    const code = isErrorCode(payload?.code) ? payload.code : null;
    return { ok: false, status: res.status, code, error: payload?.error ?? `HTTP ${res.status}` };
  }
  // A re-issued bearer token (e.g. after a rename) replaces the stored one.
  if (strategy === "jwt" && payload?.token && payload.expiresAt) jwtStorage.set({ token: payload.token, expiresAt: payload.expiresAt });
  return { ok: true, status: res.status, data: payload as T };
}
