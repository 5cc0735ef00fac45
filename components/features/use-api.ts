"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { ErrorCode } from "@/lib/api-errors";
import { api, jwtStorage, type ApiFailure, type ApiResult } from "@/lib/client/api";
import { loginPath } from "@/lib/paths";
import type { StrategyId } from "@/lib/strategies";

export type Loadable<T> =
  { state: "loading" } | { state: "error"; status: number; code: ErrorCode | null; error: string } | { state: "ready"; data: T };

// The API failures the UI treats specially, by their stable code (lib/api-errors.ts).
// The UI decides here, and only here, what a failure means.

/** The credential is missing or no longer accepted (expired, revoked, signed out elsewhere): sign in again. */
export function isSignedOut(failure: ApiFailure): boolean {
  return failure.code === "not_signed_in";
}

/** The thing is not there (any more): e.g. a note another tab, or a second click, already deleted. */
export function isGone(failure: ApiFailure): boolean {
  return failure.code === "not_found";
}

/**
 * Load a GET endpoint; a 401 sends the user to sign in again. `reload()`
 * resolves once the new data is in, so a form action can await it and stay
 * pending until the page shows its result.
 */
export function useApiData<T>(strategy: StrategyId, path: string) {
  const [value, setValue] = useState<Loadable<T>>({ state: "loading" });
  const handleSignedOut = useSignedOutRedirect(strategy);

  const request = useCallback(async (): Promise<Loadable<T> | null> => {
    const result = await api<T>(strategy, path);
    if (!result.ok && isSignedOut(result)) {
      handleSignedOut();
      return null;
    }
    return result.ok
      ? { state: "ready", data: result.data }
      : { state: "error", status: result.status, code: result.code, error: result.error };
  }, [strategy, path, handleSignedOut]);

  useEffect(() => {
    let current = true;
    void request().then((next) => {
      if (current && next) setValue(next);
    });
    return () => {
      current = false;
    };
  }, [request]);

  const reload = useCallback(async () => {
    const next = await request();
    if (next) setValue(next);
  }, [request]);

  return { value, reload };
}

export function useSignedOutRedirect(strategy: StrategyId) {
  const router = useRouter();
  return useCallback(() => {
    if (strategy === "jwt") jwtStorage.clear();
    router.replace(loginPath(strategy, window.location.pathname));
  }, [router, strategy]);
}

export type Mutate = <T = unknown>(path: string, init: { method: string; body?: unknown }) => Promise<ApiResult<T>>;

/** Run a mutation; returns the result and handles an expired session the same way as loads. */
export function useMutation(strategy: StrategyId): Mutate {
  const handleSignedOut = useSignedOutRedirect(strategy);
  return useCallback(
    async <T>(path: string, init: { method: string; body?: unknown }): Promise<ApiResult<T>> => {
      const result = await api<T>(strategy, path, init);
      if (!result.ok && isSignedOut(result)) handleSignedOut();
      return result;
    },
    [strategy, handleSignedOut],
  );
}
