import { hash, randomBytes } from "node:crypto";
import {
  cookiePairBytes,
  describeSessionCookie,
  expiredCookieWrite,
  MAX_COOKIE_VALUE_BYTES,
  SESSION_COOKIES,
  sessionCookieWrite,
  type SessionCookieSpec,
} from "@/lib/server/cookies";
import * as sessions from "@/lib/server/data/sessions";
import type { CredentialCheck } from "@/lib/server/auth/credentials";
import type { CredentialContext } from "@/lib/server/http/credential-context";
import { announceRevocation } from "@/lib/server/invalidation";
import type { SessionRowCache } from "@/lib/server/session-cache";
import { unsupported } from "./capabilities";
import { NO_SESSION, type Clock, type Credentials, type SessionResult, type SessionStrategy } from "./types";

export interface StatefulOptions {
  clock: Clock;
  /** Sliding idle timeout, seconds. */
  idleSeconds: number;
  /** Absolute lifetime, seconds. */
  absoluteSeconds: number;
  /** How stale "last active" on the devices page may get, seconds (default 300): at most one write per this interval. */
  activityResolutionSeconds?: number;
  verifyCredentials: (c: Credentials) => Promise<CredentialCheck>;
  /** Which cookie carries the token (default: SESSION_COOKIES.stateful). */
  cookie?: SessionCookieSpec;
  /** The variant id (default "stateful"); also namespaces the stored token hash, so no token crosses variants. */
  id?: "stateful" | "stateful-cache";
  /**
   * stateful-cache: serve session rows from this in-process cache (short TTL,
   * emptied by revocations through lib/server/invalidation.ts, bypassed while
   * invalidations may not arrive).
   */
  cache?: SessionRowCache;
}

const TOKEN_BYTES = 32; // 256 bits from the CSPRNG
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/; // base64url of 32 bytes

// One-shot hash(): about half the cost of createHash().update().digest() for a token this size (npm run bench).
export function hashToken(token: string, namespace?: string): string {
  return hash("sha256", namespace ? `${namespace}\0${token}` : token, "hex");
}

/**
 * Opaque random token in an HttpOnly cookie; the database keeps only its
 * SHA-256 hash. Every request reads the row (one joined query), so sign-out,
 * revocation, role changes and disabling take effect on the next request.
 */
export function createStatefulStrategy(opts: StatefulOptions): SessionStrategy {
  const { clock, idleSeconds, absoluteSeconds, cache } = opts;
  const id = opts.id ?? "stateful";
  const cookieSpec = opts.cookie ?? SESSION_COOKIES.stateful;
  // The plain variant keeps its historical unprefixed hash; others hash under their id.
  const hashOf = (token: string) => hashToken(token, id === "stateful" ? undefined : id);
  const idleMs = idleSeconds * 1000;
  const activityMs = (opts.activityResolutionSeconds ?? 300) * 1000;

  function readToken(ctx: CredentialContext): string | null {
    const value = ctx.cookie(describeSessionCookie(ctx, cookieSpec).name);
    // Reject anything that is not the shape we issue before touching the database.
    return value && value.length <= MAX_COOKIE_VALUE_BYTES && TOKEN_PATTERN.test(value) ? value : null;
  }

  async function validate(ctx: CredentialContext): Promise<SessionResult> {
    const token = readToken(ctx);
    if (!token) return NO_SESSION;
    const tokenHash = hashOf(token);
    let row = cache?.get(tokenHash) ?? null;
    if (!row) {
      const generation = cache?.generation ?? 0;
      row = await sessions.findSessionByTokenHash(tokenHash);
      if (!row) return NO_SESSION;
      cache?.store(tokenHash, row, generation);
    }
    const now = clock.now();
    const ends = Math.min(row.expiresAt.getTime(), row.absoluteExpiresAt.getTime());
    if (now >= ends || row.user.disabled) {
      cache?.forget(tokenHash);
      await sessions.deleteSessionById(row.id);
      return NO_SESSION;
    }
    let expiresAt = row.expiresAt;
    // Writes are throttled, not per request: the idle expiry slides once half
    // of it is used up (never past the absolute expiry), and "last active" is
    // refreshed at most once per activity resolution.
    const slid = Math.min(now + idleMs, row.absoluteExpiresAt.getTime());
    const slide = row.expiresAt.getTime() - now < idleMs / 2 && slid > row.expiresAt.getTime();
    if (slide || now - row.lastSeenAt.getTime() >= activityMs) {
      if (slide) expiresAt = new Date(slid);
      await sessions.touchSession(row.id, expiresAt, new Date(now));
      cache?.update(tokenHash, { ...row, expiresAt, lastSeenAt: new Date(now) });
    }
    const { name } = describeSessionCookie(ctx, cookieSpec);
    return {
      session: {
        strategy: id,
        id: row.id,
        issuedAt: row.createdAt,
        expiresAt,
        credentialBytes: cookiePairBytes(name, token),
      },
      user: { id: row.user.id, name: row.user.name, role: row.user.role },
    };
  }

  async function forgetToken(token: string): Promise<void> {
    const tokenHash = hashOf(token);
    cache?.forget(tokenHash);
    await sessions.deleteSessionByTokenHash(tokenHash);
  }

  return {
    id,
    transport: "cookie",

    async signIn(credentials, ctx) {
      // Before the user is read: a revocation announced after this point keeps the row out of the cache.
      const generation = cache?.generation ?? 0;
      const check = await opts.verifyCredentials(credentials);
      if (!check.ok) return check;
      // Any token the browser already had is replaced (and forgotten on the server): no fixation.
      const previous = readToken(ctx);
      if (previous) await forgetToken(previous);
      const token = randomBytes(TOKEN_BYTES).toString("base64url");
      const now = clock.now();
      const absoluteExpiresAt = new Date(now + absoluteSeconds * 1000);
      const expiresAt = new Date(Math.min(now + idleMs, absoluteExpiresAt.getTime()));
      const row = { id: randomBytes(16).toString("base64url"), createdAt: new Date(now), expiresAt, absoluteExpiresAt };
      const ended = await sessions.insertSession({
        ...row,
        tokenHash: hashOf(token),
        userId: check.user.id,
        userAgent: ctx.userAgent,
        // The version read with the password hash: a bump during this sign-in leaves the row dead on arrival.
        sessionVersion: check.sessionVersion,
      });
      // The per-user cap ended the oldest sessions: every instance's cache must forget them too.
      if (ended.length > 0) await announceRevocation({ userId: check.user.id, sessionIds: ended, reason: "session-cap" });
      // The row just written, with the user as the credential check read it: the first request is a hit
      // (a revocation announced since the check began keeps it out, see `generation`).
      cache?.store(hashOf(token), { ...row, lastSeenAt: row.createdAt, user: { ...check.user, disabled: false } }, generation);
      // The cookie lives until the absolute expiry; the server enforces the idle one.
      ctx.setCookie(sessionCookieWrite(describeSessionCookie(ctx, cookieSpec), token, absoluteExpiresAt, now));
      return { ok: true, user: check.user, expiresAt };
    },

    validate,

    async signOut(ctx) {
      const token = readToken(ctx);
      if (token) await forgetToken(token);
      ctx.setCookie(expiredCookieWrite(describeSessionCookie(ctx, cookieSpec)));
    },

    // The user is read from the database on every request: nothing to re-issue.
    async reissue() {
      return {};
    },

    capabilities: {
      listSessions: {
        supported: true,
        async run(userId, currentSessionId) {
          const rows = await sessions.listActiveSessions(userId, new Date(clock.now()));
          return rows.map((r) => ({ ...r, current: r.id === currentSessionId }));
        },
      },
      revokeSession: { supported: true, run: (userId, sessionId) => sessions.deleteUserSession(userId, sessionId) },
      revokeAllSessions: { supported: true, run: (userId, keep) => sessions.deleteUserSessions(userId, keep) },
      refresh: unsupported(id, "refresh"),
    },
  };
}
