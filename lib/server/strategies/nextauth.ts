import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { Auth, raw, skipCSRFCheck, type AuthConfig } from "@auth/core";
import { decode } from "@auth/core/jwt";
import { CredentialsSignin } from "@auth/core/errors";
import Credentials from "@auth/core/providers/credentials";
import { z } from "zod";
import type { CredentialCheck } from "@/lib/server/auth/credentials";
import {
  cookiePairBytes,
  describeSessionCookie,
  expiredCookieWrite,
  MAX_COOKIE_VALUE_BYTES,
  dropMalformedCallbackUrlCookie,
  SESSION_COOKIES,
  type SessionCookieSpec,
} from "@/lib/server/cookies";
import type { CredentialContext } from "@/lib/server/http/credential-context";
import type { SessionVersionStore } from "@/lib/server/stores";
import { isDatabaseUnreachable, isUnavailableError, UnavailableError } from "@/lib/server/unavailable";
import type { VariantId } from "@/lib/catalog/variants";
import { ROLES } from "@/lib/strategies";
import { loginBody } from "@/lib/validation";
import { statelessCapabilities } from "./capabilities";
import { createVerifiedCache } from "./verified-cache";
import { NO_SESSION, type Credentials as LoginCredentials, type SessionResult, type SessionStrategy } from "./types";

// Auth.js catches errors thrown by its callbacks. A store that cannot answer
// (lib/server/unavailable.ts) is recorded here for the call in progress, so
// callAuth() can answer 503 rather than "signed out".
const outageScope = new AsyncLocalStorage<{ outage: UnavailableError | null }>();

async function noteOutage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const call = outageScope.getStore();
    if (call && isUnavailableError(error)) call.outage = error;
    else if (call && isDatabaseUnreachable(error))
      call.outage = new UnavailableError("database", "The database is unreachable; the session cannot be checked. Retry shortly.", {
        cause: error,
      });
    throw error;
  }
}

export interface NextAuthOptions {
  /** The variant this instance serves (default `nextauth`). */
  id?: VariantId;
  /** Its session cookie, when not Auth.js's default (SESSION_COOKIES.nextauth): a variant has its own. */
  cookie?: SessionCookieSpec;
  /** Auth.js session maxAge, seconds (its default is 30 days). */
  ttlSeconds: number;
  secret: string;
  verifyCredentials: (c: LoginCredentials) => Promise<CredentialCheck>;
  /** Current name and role, read when the app asks Auth.js to update the session; null ends it (missing or disabled user). */
  loadClaims: (userId: string) => Promise<{ name: string; role: string } | null>;
  /**
   * The re-read switch (nextauth-refresh): the jwt callback reads the user's
   * name, role, disabled flag and sessionVersion on every read, so claims are
   * never stale and a version bump ends every older token.
   */
  recheck?: SessionVersionStore;
  /**
   * Set on instances built for a shortened TTL profile (the matrix): their
   * tokens carry it and are refused by any other instance, because Auth.js
   * re-encodes a token with the reading instance's maxAge, which would lengthen it.
   */
  profileTag?: string;
  /**
   * The lazy switch (nextauth-lazy): Auth.js re-encrypts and re-sets its
   * cookie on every read. With this, a plain read of a token in the first half
   * of its lifetime is answered from the token itself (Auth.js's own decode(),
   * then a bounded cache of decoded tokens keyed by their hash, never used past
   * half the lifetime), and only a read past half of it goes through Auth.js,
   * which re-issues the token as usual. Anything the fast path cannot answer
   * (bad, foreign-profile or expiring tokens) also goes through Auth.js.
   * Exclusive with `recheck`, whose per-read work is in the jwt callback.
   */
  lazyReissue?: { cacheEntries: number };
}

// What the jwt callback puts in the token, read back by the lazy path.
const lazyClaims = z.object({
  sub: z.string().min(1),
  name: z.string(),
  role: z.enum(ROLES),
  signedInAt: z.number(),
  exp: z.number(),
  lp: z.string().optional(),
});
type LazyClaims = z.infer<typeof lazyClaims>;

export const AUTH_BASE_PATH = "/api/auth";
const AUTH_COOKIE = /^(__Secure-|__Host-)?authjs\./;
// Auth.js splits a token over 4 KB into numbered chunks; more than a few is not a token we issued.
const MAX_TOKEN_CHUNKS = 4;

const QUIET_AUTH_ERRORS = new Set(["JWTSessionError", "CredentialsSignin"]);

class AccountDisabled extends CredentialsSignin {
  override code = "disabled";
}

const sessionBody = z.object({
  user: z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) }),
  expires: z.string(),
  signedInAt: z.number(),
});

/**
 * The Auth.js configuration most teams ship: Credentials provider, default JWT
 * session strategy (an encrypted JWT in Auth.js's own cookie). The same config
 * backs the standard Auth.js endpoints under /api/auth (app/api/auth/[...nextauth]).
 * Note: Auth.js reads Date.now() itself, so its clock cannot be swapped.
 */
export function createNextAuthConfig(opts: NextAuthOptions, adoptionNonce = randomBytes(16).toString("hex")): AuthConfig {
  const { recheck, profileTag } = opts;
  return {
    secret: opts.secret,
    basePath: AUTH_BASE_PATH,
    trustHost: true,
    session: { strategy: "jwt", maxAge: opts.ttlSeconds },
    pages: { signIn: "/nextauth/login" },
    logger: {
      // Garbage tokens and wrong passwords are expected input, not server errors; anything else is logged.
      error(error) {
        // By type name: the /api/auth route bundle has its own copy of the error classes.
        const type = (error as { type?: string }).type ?? error.name;
        if (QUIET_AUTH_ERRORS.has(type)) return;
        console.error("[auth.js]", error);
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(input) {
          const parsed = loginBody.safeParse(input);
          if (!parsed.success) return null;
          const check = await opts.verifyCredentials(parsed.data);
          if (!check.ok) {
            if (check.reason === "disabled") throw new AccountDisabled();
            return null;
          }
          return { id: check.user.id, name: check.user.name, role: check.user.role, sessionVersion: check.sessionVersion };
        },
      }),
    ],
    callbacks: {
      // Auth.js's default throws on a value that is neither a path nor a URL (a garbage
      // authjs.callback-url cookie or callbackUrl field answered 500): anything not of this origin goes home.
      redirect({ url, baseUrl }) {
        return safeRedirect(url, baseUrl);
      },
      async jwt({ token, user, trigger, session }) {
        // Only at sign-in is `user` present: its claims are copied once and go stale after.
        if (user) {
          token.sub = user.id;
          token.role = (user as { role?: string }).role;
          // Auth.js re-stamps `iat` on every re-encode; keep the real sign-in time.
          token.signedInAt = Math.floor(Date.now() / 1000);
          // The version read with the password hash: a bump after that check already ends this token.
          if (recheck) token.sv = (user as { sessionVersion?: number }).sessionVersion;
          if (profileTag) token.lp = profileTag;
        }
        // Never lengthen a short-profile token (see profileTag).
        if (token.lp !== undefined && token.lp !== profileTag) return null;
        if (recheck && token.sub) {
          // The mitigation: one indexed read per request. Missing, disabled or bumped ends the token.
          const state = await noteOutage(() => recheck.getWithClaims(token.sub!));
          if (!state) return null;
          // Only the server's own update() (a password change on this device) may carry the new version over.
          const adopt = trigger === "update" && (session as { adopt?: unknown } | undefined)?.adopt === adoptionNonce;
          if (adopt) token.sv = state.sessionVersion;
          else if (token.sv !== state.sessionVersion) return null;
          token.name = state.name;
          token.role = state.role;
          return token;
        }
        // The documented pattern for a rename is update() → trigger "update". We re-read
        // name and role from the database instead of trusting data the client sent;
        // a disabled account gets no refreshed token (the same rule as the other strategies).
        if (trigger === "update" && token.sub) {
          const claims = await opts.loadClaims(token.sub);
          if (!claims) return null;
          Object.assign(token, claims);
        }
        return token;
      },
      session({ session, token }) {
        return {
          ...session,
          user: { ...session.user, id: token.sub, role: token.role },
          signedInAt: token.signedInAt,
        } as typeof session;
      },
    },
  };
}

export function createNextAuthStrategy(opts: NextAuthOptions): SessionStrategy & { config: AuthConfig } {
  const id = opts.id ?? "nextauth";
  if (opts.lazyReissue && opts.recheck) throw new Error(`${id}: lazyReissue and recheck cannot be combined`);
  const lazyCache = opts.lazyReissue && createVerifiedCache<LazyClaims>(opts.lazyReissue.cacheEntries);
  const adoptionNonce = randomBytes(16).toString("hex");
  const config = createNextAuthConfig(opts, adoptionNonce);
  const cookieSpec = opts.cookie ?? SESSION_COOKIES.nextauth;
  // Auth.js names and sets its session cookie itself; the description says what it does (a unit test checks).
  const sessionCookie = (ctx: CredentialContext) => describeSessionCookie(ctx, cookieSpec);
  // Auth.js picks secure cookie names by the URL's scheme; a variant names its own session cookie for both.
  const rawConfigs = [false, true].map(
    (secure) =>
      ({
        ...config,
        ...(opts.cookie ? { cookies: { sessionToken: { name: describeSessionCookie({ secure }, opts.cookie).name } } } : {}),
        raw,
        skipCSRFCheck,
      }) as AuthConfig,
  );

  /**
   * Call Auth.js the way next-auth's own signIn()/auth() do, and forward the
   * cookies it sets (those `forward` accepts). Only Auth.js's own cookies are
   * passed in, re-encoded, so a stray cookie of another app on this host
   * cannot break the request.
   */
  async function callAuth(ctx: CredentialContext, action: string, init?: RequestInit, forward: (name: string) => boolean = () => true) {
    // Without a callback-url cookie Auth.js would refuse with a 500 (garbage in, no callback URL out).
    const cookie = dropMalformedCallbackUrlCookie(
      ctx
        .cookieNames()
        .filter((n) => AUTH_COOKIE.test(n))
        .map((n) => `${n}=${encodeURIComponent(ctx.cookie(n) ?? "")}`)
        .join("; "),
      ctx.origin,
    );
    const headers = new Headers(init?.headers);
    headers.set("cookie", cookie);
    const rawConfig = rawConfigs[ctx.secure ? 1 : 0]!;
    const call = { outage: null as UnavailableError | null };
    const response = (await outageScope.run(call, () =>
      Auth(new Request(`${ctx.origin}${AUTH_BASE_PATH}/${action}`, { ...init, headers }), rawConfig),
    )) as unknown as {
      body?: unknown;
      redirect?: string;
      cookies?: { name: string; value: string; options?: Record<string, unknown> }[];
    };
    // Auth.js turns a failing callback into "no session" and would clear the cookie: a store outage is a 503 instead.
    if (call.outage) throw call.outage;
    for (const c of response.cookies ?? []) {
      if (!forward(c.name)) continue;
      const o = c.options ?? {};
      ctx.setCookie({
        name: c.name,
        value: c.value,
        httpOnly: o.httpOnly as boolean | undefined,
        secure: o.secure as boolean | undefined,
        sameSite: o.sameSite as "lax" | undefined,
        path: o.path as string | undefined,
        maxAge: o.maxAge as number | undefined,
        expires: o.expires as Date | undefined,
      });
    }
    return response;
  }

  const isSessionCookie = (ctx: CredentialContext) => {
    const { name } = sessionCookie(ctx);
    return (n: string) => n === name || n.startsWith(`${name}.`);
  };

  return {
    id,
    transport: "cookie",
    config,

    async signIn(credentials, ctx) {
      let response;
      try {
        response = await callAuth(ctx, "callback/credentials", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ ...credentials, callbackUrl: `${ctx.origin}/nextauth` }),
        });
      } catch (error) {
        if (error instanceof AccountDisabled) return { ok: false, reason: "disabled" };
        if (error instanceof CredentialsSignin) return { ok: false, reason: "invalid" };
        throw error;
      }
      const issued = response.cookies?.find((c) => c.name.startsWith(sessionCookie(ctx).name) && c.value);
      if (!issued) return { ok: false, reason: "invalid" };
      // Read the new token back to report who signed in, exactly as a later request would.
      const session = await readSession(withOnlyCookie(ctx, issued.name, issued.value));
      if (!session.session) return { ok: false, reason: "invalid" };
      return { ok: true, user: session.user, expiresAt: session.session.expiresAt };
    },

    validate: (ctx) => readSession(ctx),

    async signOut(ctx) {
      try {
        await callAuth(ctx, "signout", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ callbackUrl: `${ctx.origin}/nextauth/login` }),
        });
      } catch {
        // Whatever Auth.js made of the request, this browser's copy (every chunk) goes, Secure included over https.
        const cookie = sessionCookie(ctx);
        for (const name of ctx.cookieNames().filter(isSessionCookie(ctx))) ctx.setCookie(expiredCookieWrite(cookie, name));
      }
    },

    // next-auth's update(): a POST to the session endpoint, trigger "update" in the jwt callback.
    async reissue(ctx, _current, options) {
      const data = options?.adoptSessionVersion ? { adopt: adoptionNonce } : {};
      const result = await readSession(ctx, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data }),
      });
      return result.session ? { expiresAt: result.session.expiresAt } : {};
    },

    capabilities: opts.recheck
      ? {
          ...statelessCapabilities(id),
          // A bump ends every token of the user at its next read; how many existed is unknowable.
          revokeAllSessions: {
            supported: true,
            run: async (userId) => {
              await opts.recheck!.bump(userId);
              return null;
            },
          },
        }
      : statelessCapabilities(id),
  };

  /**
   * Auth.js's session read: decrypt, run the jwt and session callbacks, and
   * re-encrypt with a new expiry (Auth.js slides the session on every read;
   * there is no absolute lifetime unless a callback adds one).
   */
  async function readSession(ctx: CredentialContext, init?: RequestInit): Promise<SessionResult> {
    const parts = ctx.cookieNames().filter(isSessionCookie(ctx));
    if (parts.length === 0 || parts.length > MAX_TOKEN_CHUNKS) return NO_SESSION;
    let bytes = 0;
    for (const n of parts) {
      const value = ctx.cookie(n) ?? "";
      if (value.length > MAX_COOKIE_VALUE_BYTES) return NO_SESSION;
      bytes += cookiePairBytes(n, value);
    }
    if (lazyCache && !init) {
      const fresh = await readFreshToken(ctx, parts);
      if (fresh)
        return {
          session: {
            strategy: id,
            id: null,
            issuedAt: new Date(fresh.signedInAt * 1000),
            expiresAt: new Date(fresh.exp * 1000),
            credentialBytes: bytes,
          },
          user: { id: fresh.sub, name: fresh.name, role: fresh.role },
        };
    }
    try {
      // Forward only the re-issued session token, not Auth.js's callback-url bookkeeping.
      const response = await callAuth(ctx, "session", init, isSessionCookie(ctx));
      return toSessionResult(id, response.body, bytes);
    } catch (error) {
      if (isUnavailableError(error)) throw error;
      return NO_SESSION;
    }
  }

  /**
   * nextauth-lazy: the token's claims when it can be served as it is (in the
   * first half of its lifetime, of this instance's profile); null sends the
   * read through Auth.js.
   */
  async function readFreshToken(ctx: CredentialContext, parts: string[]): Promise<LazyClaims | null> {
    const { name } = sessionCookie(ctx);
    const token = joinTokenChunks(name, parts, (n) => ctx.cookie(n));
    if (!token) return null;
    const key = lazyCache!.keyOf(token);
    let claims = lazyCache!.get(key);
    if (!claims) {
      try {
        const parsed = lazyClaims.safeParse(await decode({ token, secret: opts.secret, salt: name }));
        if (!parsed.success) return null;
        claims = parsed.data;
      } catch {
        return null;
      }
      lazyCache!.set(key, claims);
    }
    if (claims.lp !== undefined && claims.lp !== opts.profileTag) return null;
    // Auth.js reads Date.now() itself; so does this, for the same token.
    const remainingMs = claims.exp * 1000 - Date.now();
    return remainingMs > (opts.ttlSeconds * 1000) / 2 ? claims : null;
  }
}

/** The token in one cookie `name`, or in Auth.js's chunks `name.0`, `name.1`, … (all present, in order); null otherwise. */
function joinTokenChunks(name: string, parts: string[], read: (name: string) => string | undefined): string | null {
  if (parts.length === 1 && parts[0] === name) return read(name) ?? null;
  const values: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const value = read(`${name}.${i}`);
    if (value === undefined) return null;
    values.push(value);
  }
  return values.join("");
}

function withOnlyCookie(ctx: CredentialContext, name: string, value: string): CredentialContext {
  return { ...ctx, cookie: (n) => (n === name ? value : undefined), cookieNames: () => [name], setCookie: () => {} };
}

function toSessionResult(id: VariantId, body: unknown, credentialBytes: number): SessionResult {
  const parsed = sessionBody.safeParse(body);
  if (!parsed.success) return NO_SESSION;
  const s = parsed.data;
  return {
    session: {
      strategy: id,
      id: null,
      issuedAt: new Date(s.signedInAt * 1000),
      expiresAt: new Date(s.expires),
      credentialBytes,
    },
    user: s.user,
  };
}

/** A redirect target of this origin: a same-origin URL or a path (not `//host`), else the base URL. Never throws. */
export function safeRedirect(url: string, baseUrl: string): string {
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return `${baseUrl}${url}`;
  try {
    return new URL(url).origin === baseUrl ? url : baseUrl;
  } catch {
    return baseUrl;
  }
}
