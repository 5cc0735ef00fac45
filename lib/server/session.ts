import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { loadEnv } from "@/lib/server/env";
import { getStrategy } from "@/lib/server/strategies";
import type { SessionResult } from "@/lib/server/strategies/types";
import type { StrategyId } from "@/lib/strategies";
import { requestOrigin, type CredentialContext } from "./http/credential-context";

/** A read-only credential context for server components (they cannot set cookies). */
async function serverComponentContext(): Promise<CredentialContext> {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const env = loadEnv();
  const origin =
    requestOrigin(headerList, "http://localhost", { appOrigin: env.APP_ORIGIN, trustProxy: env.TRUST_PROXY === "1" }) ?? "http://localhost";
  return {
    secure: origin.startsWith("https://"),
    origin,
    userAgent: headerList.get("user-agent"),
    cookie: (name) => cookieStore.get(name)?.value,
    cookieNames: () => cookieStore.getAll().map((c) => c.name),
    authorization: () => headerList.get("authorization"),
    setCookie: () => {},
  };
}

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
