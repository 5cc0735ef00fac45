import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import {
  cookiePairBytes,
  describeSessionCookie,
  expiredCookieWrite,
  MAX_COOKIE_VALUE_BYTES,
  SESSION_COOKIES,
  sessionCookieWrite,
  type SessionCookieSpec,
} from "@/lib/server/cookies";
import type { CredentialCheck } from "@/lib/server/auth/credentials";
import type { CredentialContext } from "@/lib/server/http/credential-context";
import { ROLES } from "@/lib/strategies";
import { statelessCapabilities } from "./capabilities";
import { NO_SESSION, type Clock, type Credentials, type SessionResult, type SessionStrategy, type SessionUser } from "./types";

export interface CookieOptions {
  clock: Clock;
  /** Seal lifetime, seconds. */
  ttlSeconds: number;
  /** One password (≥ 32 chars), or a rotation map `{2: newest, 1: older}`: seals use the highest id. */
  password: string | Record<string, string>;
  verifyCredentials: (c: Credentials) => Promise<CredentialCheck>;
  /** Which cookie carries the seal (default: SESSION_COOKIES.cookie). */
  cookie?: SessionCookieSpec;
}

// What is sealed into the cookie. Encrypted, so the name and role are not
// readable by the browser, but they are a copy: they go stale until re-sealed.
const sealedSession = z.object({
  uid: z.string().min(1),
  name: z.string(),
  role: z.enum(ROLES),
  iat: z.number().int(),
  exp: z.number().int(),
});
type SealedSession = z.infer<typeof sealedSession>;

/**
 * iron-session's stateless model: the session is the cookie. Validation is a
 * decryption and an expiry check, with no server state, which is also why a
 * sealed cookie cannot be revoked before it expires.
 */
export function createCookieStrategy(opts: CookieOptions): SessionStrategy {
  const { clock, ttlSeconds, password } = opts;
  const cookieSpec = opts.cookie ?? SESSION_COOKIES.cookie;

  async function seal(ctx: CredentialContext, user: SessionUser, keep?: { iat: number; exp: number }) {
    const now = clock.now();
    const iat = keep?.iat ?? Math.floor(now / 1000);
    const exp = keep?.exp ?? iat + ttlSeconds;
    const payload: SealedSession = { uid: user.id, name: user.name, role: user.role, iat, exp };
    const value = await sealData(payload, { password, ttl: ttlSeconds });
    const expiresAt = new Date(exp * 1000);
    ctx.setCookie(sessionCookieWrite(describeSessionCookie(ctx, cookieSpec), value, expiresAt, now));
    return expiresAt;
  }

  async function validate(ctx: CredentialContext): Promise<SessionResult> {
    const { name } = describeSessionCookie(ctx, cookieSpec);
    const value = ctx.cookie(name);
    if (!value || value.length > MAX_COOKIE_VALUE_BYTES) return NO_SESSION;
    let data: unknown;
    try {
      // iron checks integrity and its own ttl (with 60 s skew); we also check our exp with our clock.
      data = await unsealData(value, { password, ttl: ttlSeconds });
    } catch {
      return NO_SESSION; // malformed seals throw rather than returning {}
    }
    const parsed = sealedSession.safeParse(data);
    if (!parsed.success) return NO_SESSION;
    const s = parsed.data;
    if (clock.now() >= s.exp * 1000) return NO_SESSION;
    return {
      session: {
        strategy: "cookie",
        id: null,
        issuedAt: new Date(s.iat * 1000),
        expiresAt: new Date(s.exp * 1000),
        credentialBytes: cookiePairBytes(name, value),
      },
      user: { id: s.uid, name: s.name, role: s.role },
    };
  }

  return {
    id: "cookie",
    transport: "cookie",

    async signIn(credentials, ctx) {
      const check = await opts.verifyCredentials(credentials);
      if (!check.ok) return check;
      const expiresAt = await seal(ctx, check.user);
      return { ok: true, user: check.user, expiresAt };
    },

    validate,

    // Destroying removes the cookie from this browser only: a copy of the seal stays valid until exp.
    async signOut(ctx) {
      ctx.setCookie(expiredCookieWrite(describeSessionCookie(ctx, cookieSpec)));
    },

    // Fresh claims, same iat and exp: a re-seal must not extend the session
    // (iron-session's own save() would restart the ttl).
    async reissue(ctx, current) {
      const toSeconds = (d: Date) => Math.floor(d.getTime() / 1000);
      const expiresAt = await seal(ctx, current.user, {
        iat: toSeconds(current.session.issuedAt),
        exp: toSeconds(current.session.expiresAt),
      });
      return { expiresAt };
    },

    capabilities: statelessCapabilities("cookie"),
  };
}
