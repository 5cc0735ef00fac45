import NextAuth, { type NextAuthConfig } from "next-auth";
import { NextRequest } from "next/server";
import { dropMalformedCallbackUrlCookie, isHttpCallbackUrl } from "@/lib/server/cookies";
import { ApiError, errorResponse, MAX_BODY_BYTES, readLimited } from "@/lib/server/http/route";
import { signInThrottle } from "@/lib/server/auth/throttle";
import { logSecurityEvent } from "@/lib/server/security-log";
import {
  clientAddress,
  isSameOriginRequest,
  originPolicyFromEnv,
  requestAtOrigin,
  requestOrigin,
} from "@/lib/server/http/credential-context";
import { nextAuthOptions } from "@/lib/server/strategies";
import { createNextAuthConfig } from "@/lib/server/strategies/nextauth";

// The standard Auth.js endpoints (session, csrf, signin, signout, callback)
// with the same settings as the nextauth strategy. The config is built here,
// in this route's own bundle: Auth.js tells its errors apart with instanceof,
// so its classes must come from the copy of @auth/core this route runs.
// Lazy, so building the app needs no secrets.
let config: NextAuthConfig | undefined;
const { handlers } = NextAuth(() => (config ??= createNextAuthConfig(nextAuthOptions()) as NextAuthConfig));

/**
 * The app's own limits, before Auth.js reads anything: a state-changing request from another
 * origin is refused (the same check as apiRoute's), and a body is read at most MAX_BODY_BYTES.
 * A callback URL Auth.js would answer with a 500 is refused (query) or dropped (cookie).
 * Then Auth.js (trustHost), which takes its scheme, cookie prefixes and redirect base from
 * req.url (whose scheme Next.js copies from the client's X-Forwarded-Proto), gets the request
 * at the origin every other route uses.
 */
function guarded(handler: (req: NextRequest) => Promise<Response>) {
  return async (req: NextRequest) => {
    const origin = requestOrigin(req.headers, originPolicyFromEnv());
    if (!origin) return errorResponse("bad_host", "Malformed Host header.");
    // Every value: Auth.js reads the last of a repeated parameter, so checking only the first let
    // `?callbackUrl=/ok&callbackUrl=garbage` through to a 500 (found by the cluster fuzz).
    const callbackUrls = req.nextUrl.searchParams.getAll("callbackUrl");
    if (callbackUrls.length > 1) return errorResponse("invalid_query", "callbackUrl may be given once.");
    if (callbackUrls[0] && !isHttpCallbackUrl(callbackUrls[0], origin))
      return errorResponse("invalid_query", "callbackUrl must be an http(s) URL or a path.");
    const cookies = req.headers.get("cookie");
    if (cookies !== null) {
      const kept = dropMalformedCallbackUrlCookie(cookies, origin);
      if (kept !== cookies) {
        const headers = new Headers(req.headers);
        headers.set("cookie", kept);
        req = new NextRequest(req.url, { method: req.method, headers, body: req.body, signal: req.signal, duplex: "half" } as never);
      }
    }
    if (req.method === "GET" || req.method === "HEAD") return handler(requestAtOrigin(req, origin));
    if (!isSameOriginRequest(req.headers, origin)) return errorResponse("csrf", "Cross-origin request refused (CSRF protection).");
    if (Number(req.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) {
      return errorResponse("body_too_large", `Body larger than ${MAX_BODY_BYTES} bytes.`);
    }
    let body: string;
    try {
      body = await readLimited(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error.code, error.message);
      return errorResponse("malformed_json", "Could not read the request body.");
    }
    const buffered = new NextRequest(req.url, { method: req.method, headers: req.headers, body, signal: req.signal });
    if (!req.nextUrl.pathname.endsWith("/callback/credentials")) return handler(requestAtOrigin(buffered, origin));
    return throttledSignIn(req, body, () => handler(requestAtOrigin(buffered, origin)));
  };
}

/**
 * Auth.js's own credentials sign-in counts against the same throttle as the JSON sign-in
 * (lib/server/auth/throttle.ts): otherwise it would be a way around it.
 */
async function throttledSignIn(req: NextRequest, body: string, signIn: () => Promise<Response>): Promise<Response> {
  const throttle = signInThrottle();
  const email = new URLSearchParams(body).get("email") ?? "";
  const client = clientAddress(req.headers);
  const retryAfterSeconds = await throttle.retryAfterSeconds(email, client);
  if (retryAfterSeconds > 0) {
    logSecurityEvent({ event: "sign-in", outcome: "throttled", variant: "nextauth", account: email, client, retryAfterSeconds });
    const res = errorResponse("rate_limited", `Too many failed sign-ins. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    res.headers.set("Retry-After", String(retryAfterSeconds));
    return res;
  }
  const res = await signIn();
  // Auth.js answers a failed sign-in with a redirect carrying ?error=… (code=disabled: the password was right).
  const location = res.headers.get("location") ?? "";
  if (!location.includes("error=")) {
    await throttle.recordSuccess(email);
    logSecurityEvent({ event: "sign-in", outcome: "success", variant: "nextauth", userId: null, account: email, client });
  } else {
    const disabled = location.includes("code=disabled");
    if (!disabled) await throttle.recordFailure(email, client);
    logSecurityEvent({
      event: "sign-in",
      outcome: "failure",
      variant: "nextauth",
      account: email,
      reason: disabled ? "disabled" : "invalid",
      client,
    });
  }
  return res;
}

export const GET = guarded(handlers.GET);
export const POST = guarded(handlers.POST);
