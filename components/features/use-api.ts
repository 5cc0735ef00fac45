"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { api, jwtStorage, type ApiResult } from "@/lib/client/api";
import { loginPath } from "@/lib/paths";
import type { StrategyId } from "@/lib/strategies";

export type Loadable<T> = { state: "loading" } | { state: "error"; status: number; error: string } | { state: "ready"; data: T };

/** Load a GET endpoint; a 401 sends the user to sign in again. */
export function useApiData<T>(strategy: StrategyId, path: string) {
  const [value, setValue] = useState<Loadable<T>>({ state: "loading" });
  const [version, setVersion] = useState(0);
  const handle401 = useSignedOutRedirect(strategy);

  useEffect(() => {
    let current = true;
    void api<T>(strategy, path).then((result) => {
      if (!current) return;
      if (!result.ok && result.status === 401) return handle401();
      setValue(result.ok ? { state: "ready", data: result.data } : { state: "error", status: result.status, error: result.error });
    });
    return () => {
      current = false;
    };
  }, [strategy, path, handle401, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { value, reload };
}

export function useSignedOutRedirect(strategy: StrategyId) {
  const router = useRouter();
  return useCallback(() => {
    if (strategy === "jwt") jwtStorage.clear();
    router.replace(loginPath(strategy, window.location.pathname));
  }, [router, strategy]);
}

/** Run a mutation; returns the result and handles an expired session the same way as loads. */
export function useMutation(strategy: StrategyId) {
  const handle401 = useSignedOutRedirect(strategy);
  return useCallback(
    async <T>(path: string, init: { method: string; body?: unknown }): Promise<ApiResult<T>> => {
      const result = await api<T>(strategy, path, init);
      if (!result.ok && result.status === 401) handle401();
      return result;
    },
    [strategy, handle401],
  );
}
