import NextAuth, { type NextAuthConfig } from "next-auth";
import type { NextRequest } from "next/server";
import { errorResponse } from "@/lib/server/http/route";
import { originPolicyFromEnv, requestAtOrigin, requestOrigin } from "@/lib/server/http/credential-context";
import { nextAuthOptions } from "@/lib/server/strategies";
import { createNextAuthConfig } from "@/lib/server/strategies/nextauth";

// The standard Auth.js endpoints (session, csrf, signin, signout, callback)
// with the same settings as the nextauth strategy. The config is built here,
// in this route's own bundle: Auth.js tells its errors apart with instanceof,
// so its classes must come from the copy of @auth/core this route runs.
// Lazy, so building the app needs no secrets.
let config: NextAuthConfig | undefined;
const { handlers } = NextAuth(() => (config ??= createNextAuthConfig(nextAuthOptions()) as NextAuthConfig));

// Auth.js (trustHost) takes its scheme, cookie prefixes and redirect base from
// req.url, whose scheme Next.js copies from the client's X-Forwarded-Proto.
// Hand it the request at the origin every other route uses instead.
function atOurOrigin(handler: (req: NextRequest) => Promise<Response>) {
  return async (req: NextRequest) => {
    const origin = requestOrigin(req.headers, originPolicyFromEnv());
    if (!origin) return errorResponse("bad_host", "Malformed Host header.");
    return handler(requestAtOrigin(req, origin));
  };
}

export const GET = atOurOrigin(handlers.GET);
export const POST = atOurOrigin(handlers.POST);
