import { cookies, headers } from "next/headers";
import { NextRequest, type NextResponse } from "next/server";
import { loadEnv } from "@/lib/server/env";

// What a strategy sees of a request, and the one place that decides this
// app's origin. Route handlers, server components and unit tests each build a
// CredentialContext here, and all of them take the origin (and with it "is this
// https?", which decides cookie names and Secure) from requestOrigin().

/** Options a strategy may set on a cookie; session cookies get theirs from lib/server/cookies.ts. */
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
  /** Served over https (by this app's origin): cookies get Secure and a prefix. */
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

// ---------------------------------------------------------------------------
// Origin

export interface OriginPolicy {
  /** The configured public origin (APP_ORIGIN): when set, request headers are not consulted. */
  appOrigin?: string;
  /** Honour X-Forwarded-Proto/-Host (TRUST_PROXY=1): only behind a proxy that sets them. */
  trustProxy: boolean;
  /**
   * Other configured origins this app also serves (the handoff's partner origin B): with `appOrigin`
   * set, a request whose host is one of theirs has that origin instead.
   */
  alsoServes?: readonly string[];
}

export function originPolicyFromEnv(): OriginPolicy {
  const env = loadEnv();
  return { appOrigin: env.APP_ORIGIN, trustProxy: env.TRUST_PROXY === "1", alsoServes: [env.HANDOFF_ORIGIN_A, env.HANDOFF_ORIGIN_B] };
}

const HOST_PATTERN = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * This app's origin as the browser sees it, or null when the Host is
 * malformed. The CSRF check compares Origin against it, and cookies get
 * Secure and a `__Host-`/`__Secure-` prefix when it is https, so no part of it
 * comes from a header a client may forge:
 * - APP_ORIGIN, when set, is the answer;
 * - else the scheme is http (`next start` serves no TLS) and the host is the
 *   Host header, which the browser sets;
 * - X-Forwarded-Proto/-Host count only with TRUST_PROXY=1 (a proxy that
 *   overwrites them), and then the last value: the one the nearest proxy added.
 *
 * Never derive it from `req.url` or `req.nextUrl`: Next.js builds their scheme
 * from the client's X-Forwarded-Proto (any value containing "https"), so a
 * plain-http request could claim to be https.
 */
export function requestOrigin(headers: Headers, policy: OriginPolicy): string | null {
  if (policy.appOrigin) return configuredOriginForHost(headers, policy) ?? policy.appOrigin;
  const lastValue = (name: string) => headers.get(name)?.split(",").at(-1)?.trim() || null;
  let proto = "http";
  let host = headers.get("host");
  if (policy.trustProxy) {
    const forwardedProto = lastValue("x-forwarded-proto");
    if (forwardedProto === "http" || forwardedProto === "https") proto = forwardedProto;
    host = lastValue("x-forwarded-host") ?? host;
  }
  return host && HOST_PATTERN.test(host) ? `${proto}://${host}` : null;
}

/**
 * Who is asking, for per-client throttling: the last X-Forwarded-For hop,
 * which is the proxy's view of the client behind TRUST_PROXY=1, and the
 * socket address Next.js fills in when a client sent none. Without a proxy a
 * client can send its own X-Forwarded-For and so evade the per-client count
 * (never the per-account one): deploy behind a proxy that overwrites it.
 */
export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",").at(-1)?.trim().slice(0, 64) || "unknown";
}

/** With APP_ORIGIN set: the configured origin (APP_ORIGIN or one of `alsoServes`) whose host the request names, if any. */
function configuredOriginForHost(headers: Headers, policy: OriginPolicy): string | null {
  if (!policy.alsoServes?.length) return null;
  const host = (policy.trustProxy && headers.get("x-forwarded-host")?.split(",").at(-1)?.trim()) || headers.get("host");
  if (!host) return null;
  // The scheme is the configured one, never the request's: only the host selects among origins we were given.
  return policy.alsoServes.find((o) => o !== policy.appOrigin && new URL(o).host === host.toLowerCase()) ?? null;
}

const isHttps = (origin: string) => origin.startsWith("https://");

/**
 * CSRF defence for requests that carry a cookie credential: the Origin must be
 * exactly this app's origin. Browsers send Origin on every cross-origin and
 * same-origin POST/PATCH/DELETE; when it is missing, Sec-Fetch-Site (also
 * browser-set) decides. A request with neither did not come from a browser
 * page, so there is no ambient credential to abuse (curl, test suites).
 * Route handlers have no built-in CSRF protection; this is it.
 */
export function isSameOriginRequest(headers: Headers, appOrigin: string, extraOrigins: readonly string[] = []): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return origin === appOrigin || extraOrigins.includes(origin);
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  return true;
}

/**
 * The request as it arrived, but addressed to the origin we decided, with
 * X-Forwarded-Proto/-Host saying the same. For code that reads the URL
 * itself: Auth.js's own endpoints (trustHost) take their scheme, cookie
 * prefixes and redirect base from `req.url` and those headers.
 */
export function requestAtOrigin(req: NextRequest, origin: string): NextRequest {
  const url = new URL(origin);
  const forwarded = new Headers(req.headers);
  forwarded.set("x-forwarded-proto", url.protocol.slice(0, -1));
  forwarded.set("x-forwarded-host", url.host);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  // A streamed body needs `duplex: "half"` (undici), which the DOM typings do not know yet.
  const init: ConstructorParameters<typeof NextRequest>[1] & { duplex?: "half" } = {
    method: req.method,
    headers: forwarded,
    body: hasBody ? req.body : undefined,
    signal: req.signal,
    ...(hasBody ? { duplex: "half" } : {}),
  };
  return new NextRequest(`${origin}${req.nextUrl.pathname}${req.nextUrl.search}`, init);
}

// ---------------------------------------------------------------------------
// The three contexts

/**
 * A context for a route handler, or null when the request's Host is malformed
 * (answer 400). Call `applyTo(response)` before returning.
 */
export function contextFromRequest(
  req: NextRequest,
  policy: OriginPolicy = originPolicyFromEnv(),
): (CredentialContext & { applyTo(res: NextResponse): NextResponse }) | null {
  const origin = requestOrigin(req.headers, policy);
  if (!origin) return null;
  const pending: CookieWrite[] = [];
  return {
    secure: isHttps(origin),
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

/**
 * A read-only context for server components (they cannot set cookies). Same
 * origin rule as route handlers; a malformed Host (which a browser never
 * sends) falls back to http://localhost, so the page still renders.
 */
export async function serverComponentContext(policy?: OriginPolicy): Promise<CredentialContext> {
  // The request first: reading it makes the page dynamic, so the build never loads the environment here.
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const origin = requestOrigin(headerList, policy ?? originPolicyFromEnv()) ?? "http://localhost";
  return {
    secure: isHttps(origin),
    origin,
    userAgent: headerList.get("user-agent")?.slice(0, MAX_USER_AGENT) ?? null,
    cookie: (name) => cookieStore.get(name)?.value,
    cookieNames: () => cookieStore.getAll().map((c) => c.name),
    authorization: () => headerList.get("authorization"),
    setCookie: () => {},
  };
}

/** An in-memory context for unit tests and scripts: a tiny cookie jar that honours Max-Age=0. */
export function memoryContext(
  init: {
    cookies?: Record<string, string>;
    authorization?: string | null;
    /** Shorthand for an https origin (https://lab.test) when `origin` is not given. */
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
    secure: isHttps(origin),
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
