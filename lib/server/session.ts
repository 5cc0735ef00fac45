import "server-only";
import { cache } from "react";
import { getStrategy } from "@/lib/server/strategies";
import type { SessionResult } from "@/lib/server/strategies/types";
import type { StrategyId } from "@/lib/strategies";
import { serverComponentContext } from "./http/credential-context";

/**
 * The session read for pages and layouts: cached per request, so a layout and
 * its page validate once. Route handlers use apiRoute(), which validates once
 * per request as well.
 */
export const getCurrentSession = cache(async (strategy: StrategyId): Promise<SessionResult> => {
  // Read the request first: it makes the page dynamic before any secret is loaded.
  const ctx = await serverComponentContext();
  return getStrategy(strategy).validate(ctx);
});
