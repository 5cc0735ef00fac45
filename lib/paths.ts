import type { StrategyId } from "@/lib/strategies";

/** Request header by which proxy.ts tells server layouts which page was asked for (they cannot see the URL). */
export const PATHNAME_HEADER = "x-session-lab-pathname";

/** The strategy's sign-in page, returning to `next` afterwards. */
export function loginPath(strategy: StrategyId, next?: string): string {
  return `/${strategy}/login${next ? `?next=${encodeURIComponent(next)}` : ""}`;
}
