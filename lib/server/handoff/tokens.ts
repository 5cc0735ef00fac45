import { createHash, hkdfSync, randomBytes, webcrypto } from "node:crypto";
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { z } from "zod";
import { HANDOFF_MAX_TTL_SECONDS } from "@/lib/handoff";
import { systemClock, type Clock } from "@/lib/server/strategies/types";

// The two tokens of the cross-domain handoff (docs/handoff.md), minted by
// origin A and verified by origin B:
// - the handoff token: one-time, at most 60 s, in the redirect URL to B;
// - the logout token: OpenID Connect Back-Channel Logout 1.0 §2.4, sent server
//   to server when a session on A ends.
// Each has its own `typ` (RFC 8725 §3.11) and its own HMAC key, both derived
// from HANDOFF_SECRET with HKDF, so neither can pass for the other, and no
// session key (JWT_SECRET signs the jwt strategy's tokens) can verify either.

export const HANDOFF_TOKEN_TYPE = "handoff+jwt";
/** The media type OIDC Back-Channel Logout 1.0 §2.4 recommends. */
export const LOGOUT_TOKEN_TYPE = "logout+jwt";
/** The member of the logout token's `events` claim that makes it a logout token (OIDC Back-Channel Logout §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
export const HANDOFF_ALGORITHM = "HS256";
/** Clock skew allowed between A and B, seconds. */
export const HANDOFF_CLOCK_TOLERANCE_SECONDS = 5;
/** A logout token is used at once; this only bounds its replay window. */
export const LOGOUT_TOKEN_TTL_SECONDS = 120;
const MAX_TOKEN_CHARS = 4096;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** HKDF parameters: one `info` per token kind, so each kind has its own key (the unit tests re-derive them). */
export const KEY_SALT = "session-lab handoff keys";
export const KEY_INFO = { handoff: "handoff token v1", logout: "logout token v1" } as const;

/**
 * The HMAC keys of the two token kinds, derived from HANDOFF_SECRET (HKDF-SHA-256,
 * one `info` per kind) and imported once as non-extractable WebCrypto keys.
 */
export async function deriveHandoffKeys(secret: string): Promise<Record<keyof typeof KEY_INFO, CryptoKey>> {
  const importKey = (kind: keyof typeof KEY_INFO) =>
    webcrypto.subtle.importKey(
      "raw",
      Buffer.from(hkdfSync("sha256", secret, KEY_SALT, KEY_INFO[kind], 32)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  const [handoff, logout] = await Promise.all([importKey("handoff"), importKey("logout")]);
  return { handoff, logout };
}

/** A verifier (kept in B's cookie) and its challenge (sent through A, carried in the token), as in PKCE (RFC 7636, S256). */
export function newVerifier(): string {
  return randomBytes(32).toString("base64url");
}

export function challengeFor(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

const urlSafe = (min: number, max: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));
/** base64url of 32 bytes: a verifier or its SHA-256 challenge. */
export const BASE64URL_256 = /^[A-Za-z0-9_-]{43}$/;

const handoffClaimsSchema = z.object({
  sub: urlSafe(1, 64),
  // What B shows; PostgreSQL cannot store NUL and no name needs control characters.
  name: z
    .string()
    .min(1)
    .max(80)
    .refine((v) => !/\p{Cc}/u.test(v)),
  sid: urlSafe(16, 64),
  challenge: z.string().regex(BASE64URL_256),
  jti: urlSafe(16, 64),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type HandoffClaims = z.infer<typeof handoffClaimsSchema>;

const logoutClaimsSchema = z
  .object({
    sub: urlSafe(1, 64).optional(),
    sid: urlSafe(16, 64).optional(),
    jti: urlSafe(16, 64),
    iat: z.number().int(),
    exp: z.number().int(),
    events: z.looseObject({ [BACKCHANNEL_LOGOUT_EVENT]: z.looseObject({}) }),
    // OIDC Back-Channel Logout §2.4: a logout token MUST NOT contain a nonce (so an ID token cannot pass for one).
    nonce: z.never().optional(),
  })
  .refine((c) => c.sub !== undefined || c.sid !== undefined, "a logout token names a sub, a sid, or both");
export type LogoutClaims = z.infer<typeof logoutClaimsSchema>;

/** Why B refuses a token: unreadable, forged or foreign (wrong key, iss, aud, typ, claims), or past its exp. */
export type TokenFailure = "malformed" | "invalid" | "expired";
export type Verified<C> = { ok: true; claims: C } | { ok: false; reason: TokenFailure };

export interface HandoffTokenOptions {
  /** HANDOFF_SECRET (≥ 256 bits); the keys are derived from it. */
  secret: string;
  /** Origin A: the issuer. */
  issuer: string;
  /** Origin B: the only audience. */
  audience: string;
  clock?: Clock;
}

export type HandoffTokens = ReturnType<typeof createHandoffTokens>;

export function createHandoffTokens(opts: HandoffTokenOptions) {
  const clock = opts.clock ?? systemClock;
  const keys = deriveHandoffKeys(opts.secret);
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const newJti = () => randomBytes(16).toString("base64url");

  async function sign(kind: keyof typeof KEY_INFO, typ: string, claims: JWTPayload): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: HANDOFF_ALGORITHM, typ })
      .setIssuer(opts.issuer)
      .setAudience(opts.audience)
      .sign((await keys)[kind]);
  }

  /**
   * Verify one kind of token: our key for that kind, the pinned algorithm, iss A,
   * aud exactly B (a string, not a list that merely contains B), the kind's typ,
   * iat not in the future, a lifetime no longer than `maxLifetime`, then the
   * kind's claims. Never throws on bad input.
   */
  async function verify<C extends { iat: number; exp: number }>(
    kind: keyof typeof KEY_INFO,
    typ: string,
    token: unknown,
    schema: z.ZodType<C>,
    maxLifetime: number,
  ): Promise<Verified<C>> {
    if (typeof token !== "string" || token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) return { ok: false, reason: "malformed" };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (await keys)[kind], {
        algorithms: [HANDOFF_ALGORITHM],
        issuer: opts.issuer,
        audience: opts.audience,
        typ,
        requiredClaims: ["iat", "exp", "jti"],
        clockTolerance: HANDOFF_CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(clock.now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
      if (error instanceof errors.JOSEError || error instanceof TypeError || error instanceof SyntaxError)
        return { ok: false, reason: "invalid" };
      throw error;
    }
    if (payload.aud !== opts.audience) return { ok: false, reason: "invalid" };
    const claims = schema.safeParse(payload);
    if (!claims.success) return { ok: false, reason: "invalid" };
    const { iat, exp } = claims.data;
    if (exp - iat > maxLifetime || exp <= iat || iat > nowSeconds() + HANDOFF_CLOCK_TOLERANCE_SECONDS)
      return { ok: false, reason: "invalid" };
    return { ok: true, claims: claims.data };
  }

  return {
    issuer: opts.issuer,
    audience: opts.audience,

    /** A handoff token for one user and one browser (its challenge), valid `ttlSeconds` (1–60). */
    async mintHandoff({
      ttlSeconds = HANDOFF_MAX_TTL_SECONDS,
      ...who
    }: {
      sub: string;
      name: string;
      sid: string;
      challenge: string;
      ttlSeconds?: number;
    }) {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > HANDOFF_MAX_TTL_SECONDS) {
        throw new RangeError(`A handoff token lives 1 to ${HANDOFF_MAX_TTL_SECONDS} s, not ${ttlSeconds}.`);
      }
      const iat = nowSeconds();
      const claims: HandoffClaims = { ...who, jti: newJti(), iat, exp: iat + ttlSeconds };
      return { token: await sign("handoff", HANDOFF_TOKEN_TYPE, claims), claims };
    },

    verifyHandoff: (token: unknown) => verify("handoff", HANDOFF_TOKEN_TYPE, token, handoffClaimsSchema, HANDOFF_MAX_TTL_SECONDS),

    /** A logout token naming one B session (`sid`), or with `sub` only, every B session of the user. */
    async mintLogout(input: { sub: string; sid?: string }) {
      const iat = nowSeconds();
      const claims: LogoutClaims = {
        sub: input.sub,
        ...(input.sid ? { sid: input.sid } : {}),
        jti: newJti(),
        iat,
        exp: iat + LOGOUT_TOKEN_TTL_SECONDS,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      };
      return { token: await sign("logout", LOGOUT_TOKEN_TYPE, claims), claims };
    },

    verifyLogout: (token: unknown) => verify("logout", LOGOUT_TOKEN_TYPE, token, logoutClaimsSchema, LOGOUT_TOKEN_TTL_SECONDS),
  };
}
