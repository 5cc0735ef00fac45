import type { StrategyId } from "@/lib/strategies";

// Paths into a strategy's pages. Client-safe: the sign-in form, the guards and
// proxy.ts all import from here.

/** Request header by which proxy.ts tells server layouts which page was asked for (they cannot see the URL). */
export const PATHNAME_HEADER = "x-session-lab-pathname";

/** The strategy's sign-in page, returning to `next` afterwards. */
export function loginPath(strategy: StrategyId, next?: string): string {
  return `/${strategy}/login${next ? `?next=${encodeURIComponent(next)}` : ""}`;
}

/**
 * Where to go after sign-in: only a path of this strategy on this origin (no
 * open redirect). The path is normalised first, so `/jwt/../x` cannot escape.
 */
export function safeNext(strategy: StrategyId, next: string | null, origin = "http://app.invalid"): string {
  const fallback = `/${strategy}`;
  if (!next) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  const inStrategy = url.pathname === fallback || url.pathname.startsWith(`${fallback}/`);
  return url.origin === origin && inStrategy ? url.pathname + url.search : fallback;
}
