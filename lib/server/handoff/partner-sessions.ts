import { randomBytes } from "node:crypto";
import {
  cookiePairBytes,
  describeSessionCookie,
  expiredCookieWrite,
  MAX_COOKIE_VALUE_BYTES,
  PARTNER_COOKIES,
  sessionCookieWrite,
} from "@/lib/server/cookies";
import * as rows from "@/lib/server/data/handoff";
import type { CredentialContext } from "@/lib/server/http/credential-context";
import { hashToken } from "@/lib/server/strategies/stateful";
import type { Clock } from "@/lib/server/strategies/types";

// Origin B's own stateful sessions: an opaque 256-bit token in B's HttpOnly
// cookie, only its SHA-256 in B's table, idle and absolute expiry like the
// stateful strategy. Deliberately not the stateful strategy's table: B is
// another deployment, so nothing done on A (sign-out, revoke-all, disabling,
// a session-version bump) reaches these rows except the back-channel logout.

export interface PartnerSessionOptions {
  clock: Clock;
  idleSeconds: number;
  absoluteSeconds: number;
  /** At most one "last active" write per this many seconds (default 300). */
  activityResolutionSeconds?: number;
}

export interface PartnerSessionView {
  session: { id: string; sid: string; createdAt: Date; expiresAt: Date; absoluteExpiresAt: Date; credentialBytes: number };
  user: { id: string; name: string };
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/; // base64url of 32 bytes

export type PartnerSessions = ReturnType<typeof createPartnerSessions>;

export function createPartnerSessions(opts: PartnerSessionOptions) {
  const { clock } = opts;
  const idleMs = opts.idleSeconds * 1000;
  const activityMs = (opts.activityResolutionSeconds ?? 300) * 1000;

  function readToken(ctx: CredentialContext): string | null {
    const value = ctx.cookie(describeSessionCookie(ctx, PARTNER_COOKIES.session).name);
    return value && value.length <= MAX_COOKIE_VALUE_BYTES && TOKEN_PATTERN.test(value) ? value : null;
  }

  return {
    /**
     * A fresh session for the user a handoff token named. Any session this
     * browser already had on B is ended first and its cookie replaced (no
     * fixation, ASVS 5 7.2.4). Null when the user no longer exists.
     */
    async start(ctx: CredentialContext, who: { userId: string; name: string; sid: string }): Promise<{ id: string } | null> {
      const previous = readToken(ctx);
      if (previous) await rows.deletePartnerSession({ tokenHash: hashToken(previous) });
      const token = randomBytes(32).toString("base64url");
      const now = clock.now();
      const absoluteExpiresAt = new Date(now + opts.absoluteSeconds * 1000);
      const id = randomBytes(16).toString("base64url");
      const created = await rows.insertPartnerSession({
        id,
        tokenHash: hashToken(token),
        userId: who.userId,
        name: who.name,
        sid: who.sid,
        createdAt: new Date(now),
        lastSeenAt: new Date(now),
        expiresAt: new Date(Math.min(now + idleMs, absoluteExpiresAt.getTime())),
        absoluteExpiresAt,
        userAgent: ctx.userAgent,
      });
      if (!created) return null;
      ctx.setCookie(sessionCookieWrite(describeSessionCookie(ctx, PARTNER_COOKIES.session), token, absoluteExpiresAt, now));
      return { id };
    },

    /** This request's B session, or null. One indexed read; writes only to slide the idle expiry or record activity. */
    async validate(ctx: CredentialContext): Promise<PartnerSessionView | null> {
      const token = readToken(ctx);
      if (!token) return null;
      const row = await rows.findPartnerSession(hashToken(token));
      if (!row) return null;
      const now = clock.now();
      if (now >= Math.min(row.expiresAt.getTime(), row.absoluteExpiresAt.getTime())) {
        await rows.deletePartnerSession({ id: row.id });
        return null;
      }
      let expiresAt = row.expiresAt;
      const slid = Math.min(now + idleMs, row.absoluteExpiresAt.getTime());
      const slide = row.expiresAt.getTime() - now < idleMs / 2 && slid > row.expiresAt.getTime();
      if (slide || now - row.lastSeenAt.getTime() >= activityMs) {
        if (slide) expiresAt = new Date(slid);
        await rows.touchPartnerSession(row.id, expiresAt, new Date(now));
      }
      const cookie = describeSessionCookie(ctx, PARTNER_COOKIES.session);
      return {
        session: {
          id: row.id,
          sid: row.sid,
          createdAt: row.createdAt,
          expiresAt,
          absoluteExpiresAt: row.absoluteExpiresAt,
          credentialBytes: cookiePairBytes(cookie.name, token),
        },
        user: { id: row.userId, name: row.name },
      };
    },

    /** Sign out on B: ends B's session only. A's session is another site's and stays (the page says so). */
    async end(ctx: CredentialContext): Promise<boolean> {
      const token = readToken(ctx);
      const ended = token ? (await rows.deletePartnerSession({ tokenHash: hashToken(token) })) > 0 : false;
      ctx.setCookie(expiredCookieWrite(describeSessionCookie(ctx, PARTNER_COOKIES.session)));
      return ended;
    },
  };
}
