import { NextResponse, type NextRequest } from "next/server";
import { PATHNAME_HEADER } from "@/lib/paths";
import { possibleSessionCookieNames, SESSION_COOKIES } from "@/lib/server/cookies";
import { originPolicyFromEnv, requestOrigin } from "@/lib/server/http/credential-context";
import { contentSecurityPolicy, HSTS_VALUE, newNonce } from "@/lib/server/http/security-headers";
import { loadEnv } from "@/lib/server/env";

// Every page gets a Content-Security-Policy with a per-request nonce, and HSTS
// when served over https (lib/server/http/security-headers.ts).
//
// Then an optimistic first check only: a signed-in page of a cookie strategy
// with no session cookie at all goes straight to its sign-in page. The real
// check (is the credential valid?) happens on the server in every layout and
// API route. The jwt pages are not checked here: browsers send no bearer
// token on navigation.

const COOKIE_NAMES = new Map<string, string[]>(
  Object.entries(SESSION_COOKIES).map(([strategy, spec]) => [strategy, possibleSessionCookieNames(spec)]),
);

export function proxy(request: NextRequest) {
  const env = loadEnv();
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, {
    otherOrigins: [env.HANDOFF_ORIGIN_A, env.HANDOFF_ORIGIN_B],
    development: env.NODE_ENV === "development",
  });
  const https = requestOrigin(request.headers, originPolicyFromEnv())?.startsWith("https://") ?? false;
  const secured = (res: NextResponse) => {
    res.headers.set("Content-Security-Policy", csp);
    if (https) res.headers.set("Strict-Transport-Security", HSTS_VALUE);
    return res;
  };

  const [, strategy, section] = request.nextUrl.pathname.split("/");
  const names = strategy ? COOKIE_NAMES.get(strategy) : undefined;
  if (names && section !== "login" && !names.some((n) => request.cookies.has(n))) {
    const url = request.nextUrl.clone();
    url.pathname = `/${strategy}/login`;
    url.search = `?next=${encodeURIComponent(request.nextUrl.pathname)}`;
    return secured(NextResponse.redirect(url));
  }
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  // The guard may still refuse the cookie; it sends the user back here afterwards.
  if (names) headers.set(PATHNAME_HEADER, request.nextUrl.pathname);
  return secured(NextResponse.next({ request: { headers } }));
}

export const config = {
  // Every page; not the API (JSON, no scripts), Next.js's static files or prefetches.
  matcher: [
    {
      // Not the attack lab's deliberately vulnerable pages either: they exist to let an injected script run
      // (docs/security.md), only where SESSION_LAB_VULNERABLE_PAGES allows, on their own paths.
      source: "/((?!api/|lab/vulnerable/|_next/static|_next/image|favicon.ico|icon.svg|robots.txt|handoff-error.css).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
