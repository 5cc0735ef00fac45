import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import type { RefreshTtl } from "@/lib/catalog/lifetimes";
import type { RefreshFamily, RefreshFamilyStore, SessionVersionStore } from "@/lib/server/stores";
import type { Clock, SessionUser } from "./types";

// Rotating refresh tokens for the jwt-refresh variant (see docs/api.md, "Refresh").
//
// A family is one sign-in on one device; its refresh tokens are generations
// 0, 1, 2, … The token of generation g is
//
//     rt1.<familyId>.<g>.<HMAC-SHA256(key, "rt1.<familyId>.<g>")>
//
// so the server recognises any token it ever issued (and refuses forged ones
// without touching the family) while storing only one row per family: the
// live generation and its SHA-256. Presenting generation g:
// - g is live: rotate (a conditional update from g to g+1; of two concurrent
//   rotations exactly one wins) and hand out generation g+1;
// - g is the previous generation and was rotated less than `grace` ago: this
//   is a second tab (or a retry) that sent the same token at the same time.
//   It gets generation g+1 too: the successor is derived, not random, so it is
//   the SAME token the first request got, and there is never more than one
//   live successor;
// - anything older, or the previous one after the grace window: reuse. The
//   token was stolen or replayed; the whole family ends, so the thief's and
//   the victim's copies both stop at their next refresh.
// The user's session version and account state are checked on every refresh,
// and the family has an absolute lifetime however active it is.

const TOKEN_PATTERN = /^rt1\.([A-Za-z0-9_-]{22})\.(0|[1-9]\d{0,8})\.([A-Za-z0-9_-]{43})$/;
const MAX_GENERATION = 999_999_999;
export const MAX_FAMILIES_PER_USER = 20;

export type ExchangeResult =
  | { ok: true; family: RefreshFamily; refreshToken: string; user: SessionUser }
  | { ok: false; reason: "invalid" | "expired" | "revoked" | "reused" };

export interface RefreshTokensOptions {
  clock: Clock;
  /** The JWT secret: the refresh-token key is derived from it (HKDF, its own label). */
  secret: string;
  families: RefreshFamilyStore;
  versions: SessionVersionStore;
  /** Lifetimes of this instance's TTL profile; a family never gets longer ones than it started with. */
  lifetimes: RefreshTtl;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function createRefreshTokens(opts: RefreshTokensOptions) {
  const { clock, families, versions, lifetimes } = opts;
  const key = Buffer.from(hkdfSync("sha256", opts.secret, "", "session-lab refresh-token v1", 32));

  const mac = (familyId: string, generation: number) =>
    createHmac("sha256", key).update(`rt1.${familyId}.${generation}`).digest("base64url");
  const tokenFor = (familyId: string, generation: number) => `rt1.${familyId}.${generation}.${mac(familyId, generation)}`;

  /** The family and generation of a token this server issued; null for anything else. */
  function parse(token: string): { familyId: string; generation: number } | null {
    const m = TOKEN_PATTERN.exec(token);
    if (!m) return null;
    const familyId = m[1]!;
    const generation = Number(m[2]);
    const expected = Buffer.from(mac(familyId, generation));
    const given = Buffer.from(m[3]!);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { familyId, generation } : null;
  }

  /** Start a family at sign-in. `sessionVersion` is the one read with the password hash. */
  async function start(
    user: SessionUser,
    sessionVersion: number,
    userAgent: string | null,
  ): Promise<{ family: RefreshFamily; refreshToken: string }> {
    const now = clock.now();
    const id = randomBytes(16).toString("base64url");
    const refreshToken = tokenFor(id, 0);
    const absoluteExpiresAt = new Date(now + lifetimes.absolute * 1000);
    const family: RefreshFamily = {
      id,
      userId: user.id,
      generation: 0,
      tokenHash: sha256Hex(refreshToken),
      rotatedAt: new Date(now),
      sessionVersion,
      accessSeconds: lifetimes.access,
      idleSeconds: lifetimes.idle,
      graceSeconds: lifetimes.grace,
      createdAt: new Date(now),
      lastUsedAt: new Date(now),
      expiresAt: new Date(Math.min(now + lifetimes.idle * 1000, absoluteExpiresAt.getTime())),
      absoluteExpiresAt,
      userAgent,
    };
    await families.create(family, MAX_FAMILIES_PER_USER);
    return { family, refreshToken };
  }

  /** Exchange a refresh token for its successor (see the header for the rules). */
  async function exchange(presented: string): Promise<ExchangeResult> {
    const parsed = parse(presented);
    if (!parsed) return { ok: false, reason: "invalid" };
    const { familyId, generation } = parsed;
    let family = await families.get(familyId);
    // A token we issued whose family is gone: signed out, revoked, ended by reuse, or purged.
    if (!family) return { ok: false, reason: "revoked" };
    const now = clock.now();
    if (now >= family.expiresAt.getTime()) {
      await families.delete(family.id);
      return { ok: false, reason: "expired" };
    }
    // The account decides before anything rotates: disabled, deleted or a bumped version ends the family.
    const account = await versions.getWithClaims(family.userId);
    if (!account || account.sessionVersion !== family.sessionVersion) {
      await families.delete(family.id);
      return { ok: false, reason: "revoked" };
    }
    const user: SessionUser = { id: family.userId, name: account.name, role: account.role };

    if (generation === family.generation && generation < MAX_GENERATION) {
      if (sha256Hex(presented) !== family.tokenHash) return { ok: false, reason: "invalid" };
      const successor = tokenFor(familyId, generation + 1);
      const idle = Math.min(family.idleSeconds, lifetimes.idle) * 1000;
      const next = {
        tokenHash: sha256Hex(successor),
        rotatedAt: new Date(now),
        expiresAt: new Date(Math.min(now + idle, family.absoluteExpiresAt.getTime())),
      };
      if (await families.advance(familyId, generation, next)) {
        return {
          ok: true,
          family: { ...family, ...next, generation: generation + 1, lastUsedAt: next.rotatedAt },
          refreshToken: successor,
          user,
        };
      }
      // Another request rotated this generation a moment ago: judge it as that request's twin.
      family = await families.get(familyId);
      if (!family) return { ok: false, reason: "revoked" };
    }

    const graceMs = Math.min(family.graceSeconds, lifetimes.grace) * 1000;
    const twin = generation === family.generation - 1 && now - family.rotatedAt.getTime() < graceMs;
    if (twin) {
      // Same successor as the request that rotated: never two live tokens in one family.
      const successor = tokenFor(familyId, family.generation);
      if (sha256Hex(successor) === family.tokenHash) return { ok: true, family, refreshToken: successor, user };
    }
    if (generation > family.generation) return { ok: false, reason: "invalid" };
    // A spent token came back: stolen or replayed. End the whole family.
    await families.delete(family.id);
    return { ok: false, reason: "reused" };
  }

  /** The family a token belongs to, if the token is one of ours (for sign-out). */
  function familyOf(token: string): string | null {
    return parse(token)?.familyId ?? null;
  }

  return { start, exchange, familyOf, tokenFor };
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
