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
import type { SessionVersionStore } from "@/lib/server/stores";
import type { VariantId } from "@/lib/catalog/variants";
import { ROLES } from "@/lib/strategies";
import { statelessCapabilities } from "./capabilities";
import { createVerifiedCache } from "./verified-cache";
import {
  NO_SESSION,
  type Clock,
  type Credentials,
  type SessionInfo,
  type SessionResult,
  type SessionStrategy,
  type SessionUser,
} from "./types";

export interface CookieOptions {
  /** The variant this instance serves (default `cookie`). */
  id?: VariantId;
  clock: Clock;
  /** Seal lifetime, seconds. */
  ttlSeconds: number;
  /** One password (≥ 32 chars), or a rotation map `{2: newest, 1: older}`: seals use the highest id. */
  password: string | Record<string, string>;
  verifyCredentials: (c: Credentials) => Promise<CredentialCheck>;
  /** Which cookie carries the seal (default: SESSION_COOKIES.cookie). */
  cookie?: SessionCookieSpec;
  /**
   * The version-check switch (cookie-version): the seal carries the user's
   * sessionVersion, compared with this store on every request, so a bump
   * (revoke all, password change, disable) ends every older seal.
   */
  versionCheck?: SessionVersionStore;
  /**
   * The cache switch (cookie-cache): a bounded in-process cache of seals this
   * instance already unsealed, keyed by the seal's SHA-256 and never used past
   * the seal's own exp. iron-session derives its keys (PBKDF2) on every
   * unseal by design; a seal is immutable, so unsealing the same one twice
   * learns nothing new. Nothing about revocation changes: a cookie seal cannot
   * be revoked either way.
   */
  verifiedCache?: { maxEntries: number };
}

// What is sealed into the cookie. Encrypted, so the name and role are not
// readable by the browser, but they are a copy: they go stale until re-sealed.
// Strict: a seal of one variant is never read as another's (their passwords are the same).
const sealedSession = z
  .object({
    uid: z.string().min(1),
    name: z.string(),
    role: z.enum(ROLES),
    iat: z.number().int(),
    exp: z.number().int(),
  })
  .strict();
const versionedSession = sealedSession.extend({ sv: z.number().int() }).strict();
type SealedSession = z.infer<typeof sealedSession> & { sv?: number };

/**
 * iron-session's stateless model: the session is the cookie. Validation is a
 * decryption and an expiry check, with no server state, which is also why a
 * sealed cookie cannot be revoked before it expires.
 */
export function createCookieStrategy(opts: CookieOptions): SessionStrategy {
  const { clock, ttlSeconds, password, versionCheck } = opts;
  const id = opts.id ?? "cookie";
  const cookieSpec = opts.cookie ?? SESSION_COOKIES.cookie;
  const schema = versionCheck ? versionedSession : sealedSession;
  // The version each validated session was sealed with, for reissue() (never serialised into the API's session object).
  const sealedVersions = new WeakMap<SessionInfo, number>();
  const cache = opts.verifiedCache && createVerifiedCache<SealedSession>(opts.verifiedCache.maxEntries);

  /** The seal's validated content, or null: from the cache when this seal was opened before. */
  async function open(value: string): Promise<SealedSession | null> {
    const key = cache?.keyOf(value);
    const cached = key ? cache?.get(key) : undefined;
    if (cached) return cached;
    let data: unknown;
    try {
      // iron checks integrity and its own ttl (with 60 s skew); we also check our exp with our clock.
      data = await unsealData(value, { password, ttl: ttlSeconds });
    } catch {
      return null; // malformed seals throw rather than returning {}
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) return null;
    if (key) cache?.set(key, parsed.data);
    return parsed.data;
  }

  async function seal(ctx: CredentialContext, user: SessionUser, version: number | undefined, keep?: { iat: number; exp: number }) {
    const now = clock.now();
    const iat = keep?.iat ?? Math.floor(now / 1000);
    const exp = keep?.exp ?? iat + ttlSeconds;
    const payload: SealedSession = { uid: user.id, name: user.name, role: user.role, iat, exp, ...(versionCheck ? { sv: version } : {}) };
    const value = await sealData(payload, { password, ttl: ttlSeconds });
    const expiresAt = new Date(exp * 1000);
    ctx.setCookie(sessionCookieWrite(describeSessionCookie(ctx, cookieSpec), value, expiresAt, now));
    return expiresAt;
  }

  async function validate(ctx: CredentialContext): Promise<SessionResult> {
    const { name } = describeSessionCookie(ctx, cookieSpec);
    const value = ctx.cookie(name);
    if (!value || value.length > MAX_COOKIE_VALUE_BYTES) return NO_SESSION;
    const s = await open(value);
    // Checked on every read, cached or not: a cached seal is never used past its exp.
    if (!s || clock.now() >= s.exp * 1000) return NO_SESSION;
    // The mitigation: one indexed read per request. A bump since sealing (or a disabled account) ends the seal.
    if (versionCheck && (await versionCheck.get(s.uid)) !== s.sv) return NO_SESSION;
    const session: SessionInfo = {
      strategy: id,
      id: null,
      issuedAt: new Date(s.iat * 1000),
      expiresAt: new Date(s.exp * 1000),
      credentialBytes: cookiePairBytes(name, value),
    };
    if (s.sv !== undefined) sealedVersions.set(session, s.sv);
    return { session, user: { id: s.uid, name: s.name, role: s.role } };
  }

  return {
    id,
    transport: "cookie",

    async signIn(credentials, ctx) {
      const check = await opts.verifyCredentials(credentials);
      if (!check.ok) return check;
      // The version read with the password hash: a bump after that check already ends this seal.
      const expiresAt = await seal(ctx, check.user, check.sessionVersion);
      return { ok: true, user: check.user, expiresAt };
    },

    validate,

    // Destroying removes the cookie from this browser only: a copy of the seal stays valid until exp.
    async signOut(ctx) {
      ctx.setCookie(expiredCookieWrite(describeSessionCookie(ctx, cookieSpec)));
    },

    // Fresh claims, same iat and exp: a re-seal must not extend the session
    // (iron-session's own save() would restart the ttl).
    async reissue(ctx, current, options) {
      const toSeconds = (d: Date) => Math.floor(d.getTime() / 1000);
      let version: number | undefined;
      if (versionCheck) {
        // Keep the sealed version (a bump meanwhile must still end this seal), unless told to adopt the new one.
        const adopted = options?.adoptSessionVersion ? await versionCheck.get(current.user.id) : sealedVersions.get(current.session);
        if (adopted === null || adopted === undefined) return {};
        version = adopted;
      }
      const expiresAt = await seal(ctx, current.user, version, {
        iat: toSeconds(current.session.issuedAt),
        exp: toSeconds(current.session.expiresAt),
      });
      return { expiresAt };
    },

    capabilities: versionCheck
      ? {
          ...statelessCapabilities(id),
          // A bump ends every seal of the user; how many existed is unknowable.
          revokeAllSessions: {
            supported: true,
            run: async (userId) => {
              await versionCheck.bump(userId);
              return null;
            },
          },
        }
      : statelessCapabilities(id),
  };
}
