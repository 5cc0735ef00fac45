import type { CookieWrite, CredentialContext } from "@/lib/server/http/credential-context";
import type { VariantId } from "@/lib/catalog/variants";

// Each session cookie described once (name, attributes, lifetime); a cookie
// is set and expired from that one description, the way better-auth's
// createCookie()/expireCookie() pair works. proxy.ts imports the names from
// here, so this module has type imports only (ESLint enforces it): nothing in
// it may need Node.js.

export interface SessionCookieSpec {
  /** The name over plain http (the local demo). */
  base: string;
  /**
   * The name's prefix over https. `__Host-` for ours: the browser then also
   * insists on Secure, Path=/ and no Domain. Auth.js uses `__Secure-`.
   */
  securePrefix: "__Host-" | "__Secure-";
  /** Auth.js splits a token larger than a cookie can hold into `name.0`, `name.1`, … */
  chunked?: boolean;
}

/**
 * The session cookie of each cookie variant (the bearer ones have none: their
 * token is a header). Each variant has its own, so one browser can hold all.
 */
export const SESSION_COOKIES = {
  stateful: { base: "lab-stateful", securePrefix: "__Host-" },
  "stateful-cache": { base: "lab-stateful-cache", securePrefix: "__Host-" },
  cookie: { base: "lab-cookie", securePrefix: "__Host-" },
  // Auth.js's own name and policy (its defaultCookies()): the nextauth strategy reads what Auth.js sets.
  nextauth: { base: "authjs.session-token", securePrefix: "__Secure-", chunked: true },
  "cookie-version": { base: "lab-cookie-version", securePrefix: "__Host-" },
  "cookie-cache": { base: "lab-cookie-cache", securePrefix: "__Host-" },
  // Named for Auth.js through its `cookies.sessionToken.name` option (per scheme).
  "nextauth-refresh": { base: "authjs.nextauth-refresh.session-token", securePrefix: "__Secure-", chunked: true },
  "nextauth-lazy": { base: "authjs.nextauth-lazy.session-token", securePrefix: "__Secure-", chunked: true },
} as const satisfies Partial<Record<VariantId, SessionCookieSpec>>;

/**
 * A session cookie on this origin. HttpOnly so page scripts cannot read it;
 * SameSite=Lax as a second CSRF layer; Path=/ and no Domain. Over https also
 * Secure, with the spec's prefix. Plain http (the local demo) can use neither.
 */
export interface SessionCookie {
  readonly name: string;
  readonly attributes: { readonly httpOnly: true; readonly secure: boolean; readonly sameSite: "lax"; readonly path: "/" };
}

export function describeSessionCookie(ctx: Pick<CredentialContext, "secure">, spec: SessionCookieSpec): SessionCookie {
  return {
    name: ctx.secure ? `${spec.securePrefix}${spec.base}` : spec.base,
    attributes: { httpOnly: true, secure: ctx.secure, sameSite: "lax", path: "/" },
  };
}

/** Lifetime: a session cookie lives exactly as long as the credential it carries, never longer. */
export function sessionCookieWrite(cookie: SessionCookie | PathCookie, value: string, expiresAt: Date, now: number): CookieWrite {
  return { name: cookie.name, value, ...cookie.attributes, maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)) };
}

/**
 * The same cookie, expired: same name and attributes with Max-Age=0. The
 * attributes matter: a browser ignores a `__Secure-`/`__Host-` cookie (even a
 * deletion) that lacks Secure. Pass `name` for one of Auth.js's chunks.
 */
export function expiredCookieWrite(cookie: SessionCookie | PathCookie, name: string = cookie.name): CookieWrite {
  return { name, value: "", ...cookie.attributes, maxAge: 0 };
}

/** Every name the cookie may have, over http and https (and its first chunk): for proxy.ts, which only asks "is there one?". */
export function possibleSessionCookieNames(spec: SessionCookieSpec): string[] {
  const names = [spec.base, `${spec.securePrefix}${spec.base}`];
  return spec.chunked ? names.flatMap((n) => [n, `${n}.0`]) : names;
}

/** Bytes a `name=value` cookie pair adds to every request's Cookie header. */
export function cookiePairBytes(name: string, value: string): number {
  return new TextEncoder().encode(`${name}=${value}`).byteLength;
}

/** Largest cookie value we will even try to parse: browsers cap a cookie at 4096 bytes. */
export const MAX_COOKIE_VALUE_BYTES = 4096;

/**
 * jwt-refresh's refresh-token cookie, described once like the session cookies.
 * It is sent to the refresh endpoint only (`path`), so it never rides along on
 * ordinary API requests; SameSite=Strict, so only this app's own pages send
 * it. Over https it is Secure with the `__Secure-` prefix (`__Host-` would
 * require Path=/).
 */
export const REFRESH_COOKIE = { base: "lab-jwt-refresh", securePrefix: "__Secure-" } as const;

export interface PathCookie {
  readonly name: string;
  readonly attributes: { readonly httpOnly: true; readonly secure: boolean; readonly sameSite: "strict"; readonly path: string };
}

export function describeRefreshCookie(
  ctx: Pick<CredentialContext, "secure">,
  path: string,
  base: string = REFRESH_COOKIE.base,
): PathCookie {
  return {
    name: ctx.secure ? `${REFRESH_COOKIE.securePrefix}${base}` : base,
    attributes: { httpOnly: true, secure: ctx.secure, sameSite: "strict", path },
  };
}

/**
 * Cookies of the handoff's partner origin B (docs/handoff.md), with the same
 * attributes as the session cookies above: B's own session, and the
 * short-lived verifier that binds a handoff to the browser that started it.
 */
export const PARTNER_COOKIES = {
  session: { base: "lab-partner", securePrefix: "__Host-" },
  verifier: { base: "lab-handoff-verifier", securePrefix: "__Host-" },
} as const satisfies Record<string, SessionCookieSpec>;

/** Auth.js's callback-url cookie (plain or __Secure-): where it sends the browser after sign-in or sign-out. */
const AUTHJS_CALLBACK_URL_COOKIE = /^(?:__Secure-)?authjs\.callback-url$/;

/** An http(s) URL, absolute or a path, as Auth.js validates a callback URL (it answers 500 otherwise). */
export function isHttpCallbackUrl(value: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

/**
 * The Cookie header without an Auth.js callback-url cookie Auth.js would
 * refuse with a 500 (garbage, `javascript:`…): the browser then simply has no
 * callback URL, as on a first visit. Every other cookie is kept verbatim.
 */
export function dropMalformedCallbackUrlCookie(cookieHeader: string, origin: string): string {
  return cookieHeader
    .split(";")
    .filter((pair) => {
      const eq = pair.indexOf("=");
      const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      if (!AUTHJS_CALLBACK_URL_COOKIE.test(name)) return true;
      let value = pair.slice(eq + 1).trim();
      try {
        value = decodeURIComponent(value);
      } catch {
        return false;
      }
      return isHttpCallbackUrl(value, origin);
    })
    .join(";");
}
