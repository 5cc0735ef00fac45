import { createHash } from "node:crypto";
import * as users from "@/lib/server/data/users";
import { userStateKeys } from "@/lib/server/invalidation";
import { redisCall, redisKey } from "@/lib/server/redis";
import { isRole, type Role } from "@/lib/strategies";
import type { RefreshFamily, Stores } from "./types";

// The stores in Redis (REDIS_URL; docs/scaling.md), shared by every instance:
// - denylist: one key per revoked jti, expiring with its token (PXAT);
// - session versions: a read-through copy of the user's name, role, version and
//   disabled flag (the database stays the source of truth). A reader may only
//   write its copy if the user's epoch is unchanged since before it read the
//   database: announceRevocation() bumps the epoch and deletes the copy after
//   every change, so a slow reader cannot put an old state back;
// - refresh families: one JSON value per family, expiring at its idle expiry,
//   and a sorted set per user; rotation is a Lua script (atomic: of two
//   concurrent rotations of one generation exactly one succeeds).
// Any failure is an UnavailableError (503): nothing is accepted unchecked.

/** How long a copy of a user's session state lives in Redis at most (bounds the harm of a missed invalidation). */
export const USER_STATE_TTL_MS = 10_000;

type StoredState = { name: string; role: Role; sessionVersion: number } | null;

const SET_IF_EPOCH = `
local current = redis.call('GET', KEYS[2]) or '0'
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

/** A family as stored: dates as epoch milliseconds, so the Lua scripts can compare and update them. */
type StoredFamily = Omit<RefreshFamily, "rotatedAt" | "createdAt" | "lastUsedAt" | "expiresAt" | "absoluteExpiresAt"> & {
  rotatedAt: number;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
};

const CREATE_FAMILY = `
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local surplus = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if surplus > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, surplus - 1)
  for _, id in ipairs(old) do
    redis.call('DEL', ARGV[6] .. id)
    redis.call('ZREM', KEYS[2], id)
  end
end
return 1`;

const ADVANCE_FAMILY = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local f = cjson.decode(raw)
if f.generation ~= tonumber(ARGV[1]) then return 0 end
f.generation = f.generation + 1
f.tokenHash = ARGV[2]
f.rotatedAt = tonumber(ARGV[3])
f.lastUsedAt = tonumber(ARGV[3])
f.expiresAt = tonumber(ARGV[4])
redis.call('SET', KEYS[1], cjson.encode(f), 'PXAT', ARGV[4])
return 1`;

const DELETE_FAMILY = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local f = cjson.decode(raw)
if ARGV[1] ~= '' and f.userId ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[2] .. f.userId, ARGV[3])
return 1`;

const DELETE_USER_FAMILIES = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local ended = 0
for _, id in ipairs(ids) do
  if id ~= ARGV[1] then
    ended = ended + redis.call('DEL', ARGV[3] .. id)
    redis.call('ZREM', KEYS[1], id)
  end
end
if ARGV[1] ~= '' then
  local raw = redis.call('GET', ARGV[3] .. ARGV[1])
  if raw then
    local f = cjson.decode(raw)
    if f.userId == ARGV[4] then
      f.sessionVersion = tonumber(ARGV[2])
      redis.call('SET', ARGV[3] .. ARGV[1], cjson.encode(f), 'KEEPTTL')
    end
  end
end
return ended`;

function digest(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex");
}

function toStored(f: RefreshFamily): StoredFamily {
  return {
    ...f,
    rotatedAt: f.rotatedAt.getTime(),
    createdAt: f.createdAt.getTime(),
    lastUsedAt: f.lastUsedAt.getTime(),
    expiresAt: f.expiresAt.getTime(),
    absoluteExpiresAt: f.absoluteExpiresAt.getTime(),
  };
}

function fromStored(raw: string | null): RefreshFamily | null {
  if (!raw) return null;
  const f = JSON.parse(raw) as StoredFamily;
  return {
    ...f,
    // cjson writes a JSON null as a Lua sentinel and back as null; keep the type exact.
    userAgent: typeof f.userAgent === "string" ? f.userAgent : null,
    rotatedAt: new Date(f.rotatedAt),
    createdAt: new Date(f.createdAt),
    lastUsedAt: new Date(f.lastUsedAt),
    expiresAt: new Date(f.expiresAt),
    absoluteExpiresAt: new Date(f.absoluteExpiresAt),
  };
}

function parseState(raw: string): StoredState {
  const value = JSON.parse(raw) as StoredState;
  if (value === null) return null;
  return { name: value.name, role: isRole(value.role) ? value.role : "member", sessionVersion: Number(value.sessionVersion) };
}

export function redisStores(): Stores {
  const familyKey = (id: string) => redisKey("refresh-family", id);
  const userFamiliesKey = (userId: string) => redisKey("refresh-families-of", userId);

  async function userState(userId: string): Promise<StoredState> {
    const keys = userStateKeys(userId);
    const [cached, epoch] = await redisCall((r) => r.mget(keys.state, keys.epoch));
    if (cached) return parseState(cached);
    const fresh = await users.getSessionState(userId);
    await redisCall((r) => r.eval(SET_IF_EPOCH, 2, keys.state, keys.epoch, epoch ?? "0", JSON.stringify(fresh), String(USER_STATE_TTL_MS)));
    return fresh;
  }

  return {
    denylist: {
      async add(issuer, jti, expiresAt) {
        if (expiresAt.getTime() <= Date.now()) return;
        await redisCall((r) => r.set(redisKey("denied", digest(issuer, jti)), "1", "PXAT", expiresAt.getTime()));
      },
      async has(issuer, jti) {
        return (await redisCall((r) => r.exists(redisKey("denied", digest(issuer, jti))))) === 1;
      },
      // Redis expires each entry with its token.
      purgeExpired: async () => 0,
    },
    sessionVersions: {
      async get(userId) {
        return (await userState(userId))?.sessionVersion ?? null;
      },
      getWithClaims: userState,
      async bump(userId) {
        const version = await users.bumpSessionVersion(userId);
        const keys = userStateKeys(userId);
        await redisCall((r) => r.multi().incr(keys.epoch).del(keys.state).exec());
        return version;
      },
    },
    refreshFamilies: {
      async create(family, maxPerUser) {
        const stored = toStored(family);
        await redisCall((r) =>
          r.eval(
            CREATE_FAMILY,
            2,
            familyKey(family.id),
            userFamiliesKey(family.userId),
            JSON.stringify(stored),
            String(stored.expiresAt),
            String(stored.createdAt),
            family.id,
            String(maxPerUser),
            familyKey(""),
          ),
        );
      },
      async get(id) {
        return fromStored(await redisCall((r) => r.get(familyKey(id))));
      },
      async advance(id, fromGeneration, next) {
        const result = await redisCall((r) =>
          r.eval(
            ADVANCE_FAMILY,
            1,
            familyKey(id),
            String(fromGeneration),
            next.tokenHash,
            String(next.rotatedAt.getTime()),
            String(next.expiresAt.getTime()),
          ),
        );
        return result === 1;
      },
      async delete(id, userId) {
        const result = await redisCall((r) => r.eval(DELETE_FAMILY, 1, familyKey(id), userId ?? "", userFamiliesKey(""), id));
        return result === 1;
      },
      async deleteForUser(userId, keep) {
        const result = await redisCall((r) =>
          r.eval(
            DELETE_USER_FAMILIES,
            1,
            userFamiliesKey(userId),
            keep?.id ?? "",
            String(keep?.sessionVersion ?? 0),
            familyKey(""),
            userId,
          ),
        );
        return Number(result);
      },
      async listForUser(userId, now) {
        const ids = await redisCall((r) => r.zrange(userFamiliesKey(userId), 0, -1));
        if (ids.length === 0) return [];
        const raws = await redisCall((r) => r.mget(ids.map(familyKey)));
        const gone = ids.filter((_, i) => !raws[i]);
        if (gone.length > 0) await redisCall((r) => r.zrem(userFamiliesKey(userId), ...gone));
        return raws
          .map(fromStored)
          .filter((f): f is RefreshFamily => f !== null && f.expiresAt.getTime() > now.getTime())
          .sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime());
      },
      // Redis expires each family at its idle expiry.
      purgeExpired: async () => 0,
    },
  };
}
