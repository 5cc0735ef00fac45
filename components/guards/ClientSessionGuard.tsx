"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useSyncExternalStore } from "react";
import { jwtStorage } from "@/lib/client/api";
import { loginPath } from "@/lib/paths";
import type { StrategyId } from "@/lib/strategies";

/**
 * Layout guard of the bearer-token strategy. Browsers do not send
 * Authorization headers on navigation, so the page itself cannot be guarded
 * on the server: this only avoids rendering without a token. Every API call
 * is verified on the server, and a 401 brings the user back here.
 */
export function ClientSessionGuard({ strategy, children }: { strategy: StrategyId; children: React.ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  // Server render and first paint: "checking"; then whether this browser holds an unexpired token.
  const ready = useSyncExternalStore(subscribeToNothing, hasUnexpiredToken, () => false);
  useEffect(() => {
    if (!hasUnexpiredToken()) {
      jwtStorage.clear();
      router.replace(loginPath(strategy, pathname));
    }
  }, [router, pathname, strategy]);
  return ready ? children : <p className="muted">Checking your token…</p>;
}

function hasUnexpiredToken(): boolean {
  const stored = jwtStorage.get();
  return !!stored && new Date(stored.expiresAt).getTime() > Date.now();
}

function subscribeToNothing() {
  return () => {};
}
