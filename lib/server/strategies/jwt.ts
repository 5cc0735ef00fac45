import { randomBytes, webcrypto } from "node:crypto";
import { errors, jwtVerify, SignJWT, type JWTVerifyOptions } from "jose";
import { z } from "zod";
import type { RefreshTtl } from "@/lib/catalog/lifetimes";
import type { VariantId } from "@/lib/catalog/variants";
import type { CredentialCheck } from "@/lib/server/auth/credentials";
import { describeRefreshCookie, expiredCookieWrite, MAX_COOKIE_VALUE_BYTES, sessionCookieWrite } from "@/lib/server/cookies";
import type { CredentialContext } from "@/lib/server/http/credential-context";
import type { DenylistStore, RefreshFamilyStore, SessionVersionStore } from "@/lib/server/stores";
import { ROLES } from "@/lib/strategies";
import { statelessCapabilities } from "./capabilities";
import { createRefreshTokens } from "./refresh-tokens";
import {
  NO_SESSION,
  type Clock,
  type Credentials,
  type SessionCapabilities,
  type SessionInfo,
  type SessionResult,
  type SessionStrategy,
  type SessionUser,
} from "./types";

export interface JwtOptions {
  /** The variant this instance serves (default `jwt`); it also names the audience, so tokens never cross variants. */
  id?: VariantId;
  clock: Clock;
  /** Token lifetime, seconds (with `refresh`, the access token's lifetime comes from `refresh.lifetimes`). */
  ttlSeconds: number;
  /**
   * HMAC secret, ≥ 256 bits, or a rotation map `{"2": newest, "1": older}` (JWT_SECRET as JSON): tokens are
   * signed with the highest id and name it in `kid`; every listed key still verifies the tokens that name it,
   * and a token without `kid` (issued before the map) is verified with key "1". Nobody is signed out by a rotation.
   */
  secret: string | Record<string, string>;
  verifyCredentials: (c: Credentials) => Promise<CredentialCheck>;
  issuer?: string;
  audience?: string;
  /**
   * The denylist switch (jwt-denylist): every verification also asks the
   * denylist about the token's jti; sign-out adds it until the token expires.
   */
  denylist?: DenylistStore;
  /**
   * The refresh switch (jwt-refresh): short access tokens carrying a `sid`
   * (their refresh family) and a rotating refresh token in an HttpOnly cookie
   * sent only to `cookiePath`.
   */
  refresh?: {
    families: RefreshFamilyStore;
    versions: SessionVersionStore;
    lifetimes: RefreshTtl;
    /** The refresh endpoint's path, e.g. /api/jwt-refresh/refresh: the cookie is sent there only. */
    cookiePath: string;
    /** The refresh cookie's name over http (default REFRESH_COOKIE.base). */
    cookieBase?: string;
  };
}

// One algorithm, pinned: the verifier never lets the token's header choose.
export const JWT_ALGORITHM = "HS256";
// Its own media type, so a token of another kind (e.g. a sign-in handoff) is never accepted as a session.
export const JWT_TYPE = "session+jwt";
export const JWT_CLOCK_TOLERANCE_SECONDS = 5;
const MAX_BEARER_BYTES = 4096;

const claimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string(),
  role: z.enum(ROLES),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1).max(64),
  sid: z.string().min(1).max(64).optional(),
});
type Claims = z.infer<typeof claimsSchema>;

/**
 * A signed JWT held by client JS and sent as `Authorization: Bearer`. This is
 * where the jwt strategy verifies a token: `verify()` below.
 */
export function createJwtStrategy(opts: JwtOptions): SessionStrategy & {
  verify(token: string): Promise<SessionResult>;
  /** A new token for a user already authenticated some other way (the handoff lab's naive shared JWT). */
  issue(user: SessionUser): Promise<{ token: string; expiresAt: Date }>;
} {
  const { clock, denylist, refresh } = opts;
  const id = opts.id ?? "jwt";
  const ttlSeconds = refresh ? refresh.lifetimes.access : opts.ttlSeconds;
  const issuer = opts.issuer ?? "session-lab";
  const audience = opts.audience ?? (id === "jwt" ? "session-lab:api" : `session-lab:api:${id}`);
  // Key ids → secrets. A single secret is key "1" and its tokens carry no kid (as before rotation existed).
  const secrets = typeof opts.secret === "string" ? { "1": opts.secret } : opts.secret;
  const rotating = typeof opts.secret !== "string";
  const signingKid = String(Math.max(...Object.keys(secrets).map(Number)));
  // Imported once as non-extractable WebCrypto keys: jose verifies about twice
  // as fast with them as with a KeyObject or raw bytes (npm run bench).
  const keys = new Map(
    Object.entries(secrets).map(([kid, secret]) => [
      kid,
      webcrypto.subtle.importKey("raw", Buffer.from(secret, "utf8"), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]),
    ]),
  );
  /** The key a token names: its kid must be one of ours (never a path, URL or anything looked up elsewhere); no kid means key "1". */
  const keyFor = async (header: { kid?: unknown }) => {
    const key = header.kid === undefined ? keys.get("1") : typeof header.kid === "string" ? keys.get(header.kid) : undefined;
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };
  // The refresh-token MAC key stays derived from key "1" (or the lowest id): its successors are deterministic,
  // so rotating it ends every refresh family. That is a separate, deliberate step (docs/security.md).
  const refreshSecret = secrets["1"] ?? secrets[String(Math.min(...Object.keys(secrets).map(Number)))]!;
  const refreshTokens = refresh && createRefreshTokens({ clock, secret: refreshSecret, ...refresh });
  const refreshCookie = (ctx: CredentialContext) => describeRefreshCookie(ctx, refresh!.cookiePath, refresh?.cookieBase);
  // The claims behind each validated session, for reissue() and sign-out (never serialised into the API's session object).
  const verifiedClaims = new WeakMap<SessionInfo, Claims>();

  async function issue(
    user: SessionUser,
    keep: { exp?: number; jti?: string; sid?: string } = {},
  ): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(clock.now() / 1000);
    const exp = keep.exp ?? iat + ttlSeconds;
    const jwt = new SignJWT({ name: user.name, role: user.role, ...(keep.sid ? { sid: keep.sid } : {}) })
      .setProtectedHeader({ alg: JWT_ALGORITHM, typ: JWT_TYPE, ...(rotating ? { kid: signingKid } : {}) })
      .setSubject(user.id)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(keep.jti ?? randomBytes(16).toString("base64url"));
    return { token: await jwt.sign(await keys.get(signingKid)!), expiresAt: new Date(exp * 1000) };
  }

  /** Signature and claims only: what the plain jwt strategy trusts. `ignoreExpiry` is for sign-out. */
  async function verifyClaims(token: string, ignoreExpiry = false): Promise<Claims | null> {
    const options: JWTVerifyOptions = {
      algorithms: [JWT_ALGORITHM],
      issuer,
      audience,
      typ: JWT_TYPE,
      requiredClaims: ["sub", "iat", "exp", "jti"],
      clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(clock.now()),
    };
    try {
      const { payload } = await jwtVerify(token, keyFor, ignoreExpiry ? { ...options, currentDate: new Date(0) } : options);
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success || (refresh && !claims.data.sid)) return null;
      return claims.data;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }

  async function verify(token: string): Promise<SessionResult> {
    const c = await verifyClaims(token);
    if (!c) return NO_SESSION;
    // The denylist switch: one lookup by (issuer, jti), so every encoding of a revoked token stays revoked.
    if (denylist && (await denylist.has(issuer, c.jti))) return NO_SESSION;
    const session: SessionInfo = {
      strategy: id,
      id: c.sid ?? null,
      issuedAt: new Date(c.iat * 1000),
      expiresAt: new Date(c.exp * 1000),
      credentialBytes: Buffer.byteLength(`Authorization: Bearer ${token}`),
    };
    verifiedClaims.set(session, c);
    return { session, user: { id: c.sub, name: c.name, role: c.role } };
  }

  function bearerToken(ctx: CredentialContext): string | null {
    const header = ctx.authorization();
    if (!header || header.length > MAX_BEARER_BYTES) return null;
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(header);
    return match?.[1] ?? null;
  }

  function capabilities(): SessionCapabilities {
    if (!refresh || !refreshTokens) return statelessCapabilities(id);
    const { families, versions } = refresh;
    return {
      listSessions: {
        supported: true,
        async run(userId, currentSessionId) {
          const rows = await families.listForUser(userId, new Date(clock.now()));
          return rows.map((f) => ({
            id: f.id,
            createdAt: f.createdAt,
            lastSeenAt: f.lastUsedAt,
            expiresAt: f.expiresAt,
            userAgent: f.userAgent,
            current: f.id === currentSessionId,
          }));
        },
      },
      // Ends the family: no more refreshes. Its current access token runs out within its short lifetime.
      revokeSession: { supported: true, run: (userId, familyId) => families.delete(familyId, userId) },
      revokeAllSessions: {
        supported: true,
        async run(userId, keepFamilyId) {
          // A bump also ends the user's version-checked credentials of other variants ("revoke all" means all).
          const version = await versions.bump(userId);
          return families.deleteForUser(userId, keepFamilyId && version !== null ? { id: keepFamilyId, sessionVersion: version } : null);
        },
      },
      refresh: {
        supported: true,
        async run(ctx) {
          const cookie = refreshCookie(ctx);
          const presented = ctx.cookie(cookie.name);
          if (!presented) return { ok: false, reason: "missing" };
          const result = presented.length <= MAX_COOKIE_VALUE_BYTES ? await refreshTokens.exchange(presented) : null;
          if (!result?.ok) {
            ctx.setCookie(expiredCookieWrite(cookie));
            return { ok: false, reason: result?.reason ?? "invalid" };
          }
          const { family, refreshToken, user } = result;
          const now = clock.now();
          ctx.setCookie(sessionCookieWrite(cookie, refreshToken, family.expiresAt, now));
          // Never longer than the family's own profile, nor past its absolute end.
          const lifetime = Math.min(family.accessSeconds, ttlSeconds);
          const exp = Math.floor(Math.min(now + lifetime * 1000, family.absoluteExpiresAt.getTime()) / 1000);
          const { token, expiresAt } = await issue(user, { sid: family.id, exp });
          return { ok: true, user, token, expiresAt };
        },
      },
    };
  }

  return {
    id,
    transport: "bearer",

    async signIn(credentials, ctx) {
      const check = await opts.verifyCredentials(credentials);
      if (!check.ok) return check;
      if (!refreshTokens || !refresh) {
        const { token, expiresAt } = await issue(check.user);
        return { ok: true, user: check.user, token, expiresAt };
      }
      // The family this browser had (named by the access token it still sends) is replaced, not left to idle out.
      const previous = bearerToken(ctx);
      const previousClaims = previous ? await verifyClaims(previous, true) : null;
      if (previousClaims?.sid) await refresh.families.delete(previousClaims.sid, previousClaims.sub);
      const { family, refreshToken } = await refreshTokens.start(check.user, check.sessionVersion, ctx.userAgent);
      ctx.setCookie(sessionCookieWrite(refreshCookie(ctx), refreshToken, family.expiresAt, clock.now()));
      const { token, expiresAt } = await issue(check.user, { sid: family.id });
      return { ok: true, user: check.user, token, expiresAt };
    },

    async validate(ctx) {
      const token = bearerToken(ctx);
      return token ? verify(token) : NO_SESSION;
    },

    // Plain jwt: the server holds nothing, the client drops its copy and any
    // other copy works until exp. The switches end what they can.
    async signOut(ctx) {
      const token = bearerToken(ctx);
      if (refresh) {
        ctx.setCookie(expiredCookieWrite(refreshCookie(ctx)));
        // The refresh cookie is never sent here (its path is the refresh endpoint): the access
        // token's sid names the family. An authentic but expired access token may still end it.
        const claims = token ? await verifyClaims(token, true) : null;
        if (claims?.sid) await refresh.families.delete(claims.sid, claims.sub);
      }
      if (denylist && token) {
        const claims = await verifyClaims(token);
        // Denied until the verifier would refuse it anyway (exp plus its clock tolerance).
        if (claims) await denylist.add(issuer, claims.jti, new Date((claims.exp + JWT_CLOCK_TOLERANCE_SECONDS) * 1000));
      }
    },

    // Fresh claims, same exp: a re-issued token never outlives the one it
    // replaces. With the denylist it also keeps the jti, so signing out with
    // either copy ends both; with refresh it keeps the family.
    async reissue(_ctx, current) {
      const claims = verifiedClaims.get(current.session);
      return issue(current.user, {
        exp: Math.floor(current.session.expiresAt.getTime() / 1000),
        ...(denylist && claims ? { jti: claims.jti } : {}),
        ...(claims?.sid ? { sid: claims.sid } : {}),
      });
    },

    verify,
    issue: (user) => issue(user),
    capabilities: capabilities(),
  };
}
