import type { NextRequest, NextResponse } from "next/server";

/** Options a strategy may set on a cookie; everything else comes from lib/server/cookies.ts. */
export interface CookieWrite {
  name: string;
  value: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: "lax" | "strict" | "none";
  path?: string;
  maxAge?: number;
  expires?: Date;
}

/**
 * What a strategy sees of one request: its cookies and Authorization header,
 * plus a place to queue cookies for the response. Route handlers build it from
 * the NextRequest; unit tests build it in memory; server components get a
 * read-only one (they cannot set cookies).
 */
export interface CredentialContext {
  /** Served over https (directly or behind a proxy that says so): cookies get Secure and a prefix. */
  readonly secure: boolean;
  /** Origin of this app as the browser sees it, e.g. http://localhost:3000. */
  readonly origin: string;
  readonly userAgent: string | null;
  cookie(name: string): string | undefined;
  /** Names of all cookies on the request (Auth.js splits large tokens into numbered chunks). */
  cookieNames(): string[];
  authorization(): string | null;
  setCookie(write: CookieWrite): void;
}

const MAX_USER_AGENT = 512;

export interface OriginPolicy {
  /** The configured public origin (APP_ORIGIN): when set, request headers are not consulted. */
  appOrigin?: string;
  /** Honour X-Forwarded-Proto/-Host (TRUST_PROXY=1): only behind a proxy that sets them. */
  trustProxy: boolean;
}

const HOST_PATTERN = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * This app's origin as the browser sees it, or null when the Host is
 * malformed. The CSRF check compares Origin against it, and cookies get
 * Secure/__Host- when it is https, so it never comes from a header a client
 * may forge unless TRUST_PROXY says a proxy overwrites them (its value is the
 * last one in the list: the one the nearest proxy added).
 */
export function requestOrigin(headers: Headers, requestUrl: string, policy: OriginPolicy): string | null {
  if (policy.appOrigin) return policy.appOrigin;
  const lastValue = (name: string) => headers.get(name)?.split(",").at(-1)?.trim() || null;
  let proto = new URL(requestUrl).protocol === "https:" ? "https" : "http";
  let host = headers.get("host");
  if (policy.trustProxy) {
    const forwardedProto = lastValue("x-forwarded-proto");
    if (forwardedProto === "http" || forwardedProto === "https") proto = forwardedProto;
    host = lastValue("x-forwarded-host") ?? host;
  }
  return host && HOST_PATTERN.test(host) ? `${proto}://${host}` : null;
}

/** A context for a route handler; call `applyTo(response)` before returning. */
export function contextFromRequest(req: NextRequest, origin: string): CredentialContext & { applyTo(res: NextResponse): NextResponse } {
  const pending: CookieWrite[] = [];
  return {
    secure: origin.startsWith("https://"),
    origin,
    userAgent: req.headers.get("user-agent")?.slice(0, MAX_USER_AGENT) ?? null,
    cookie: (name) => req.cookies.get(name)?.value,
    cookieNames: () => req.cookies.getAll().map((c) => c.name),
    authorization: () => req.headers.get("authorization"),
    setCookie: (write) => {
      pending.push(write);
    },
    applyTo(res) {
      for (const { name, value, ...options } of pending) res.cookies.set(name, value, options);
      return res;
    },
  };
}

/** An in-memory context for unit tests and scripts: a tiny cookie jar that honours Max-Age=0. */
export function memoryContext(
  init: {
    cookies?: Record<string, string>;
    authorization?: string | null;
    secure?: boolean;
    origin?: string;
    userAgent?: string;
  } = {},
): CredentialContext & { jar: Map<string, string>; writes: CookieWrite[] } {
  const jar = new Map(Object.entries(init.cookies ?? {}));
  const writes: CookieWrite[] = [];
  const origin = init.origin ?? (init.secure ? "https://lab.test" : "http://localhost:3000");
  return {
    jar,
    writes,
    secure: init.secure ?? origin.startsWith("https://"),
    origin,
    userAgent: init.userAgent ?? "vitest",
    cookie: (name) => jar.get(name),
    cookieNames: () => [...jar.keys()],
    authorization: () => init.authorization ?? null,
    setCookie(write) {
      writes.push(write);
      const expired = write.maxAge === 0 || (write.expires && write.expires.getTime() <= Date.now());
      if (expired || write.value === "") jar.delete(write.name);
      else jar.set(write.name, write.value);
    },
  };
}
