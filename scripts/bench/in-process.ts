// The in-process part of `npm run bench`: what one session check of every
// variant costs without HTTP, next to the floor of its library chain measured
// in the same run. The variants come from the registry the server uses
// (lib/server/strategies), so a variant added to the catalog is measured too.
import { createHash, createHmac, hash, randomBytes, webcrypto } from "node:crypto";
import { decode as authJsDecode, encode as authJsEncode } from "@auth/core/jwt";
import Database from "better-sqlite3";
import { sealData, unsealData } from "iron-session";
import { jwtVerify, SignJWT } from "jose";
import pg from "pg";
import { VARIANT_IDS, VARIANTS, type VariantId } from "@/lib/catalog/variants";
import { sqliteFilePath } from "@/lib/server/db/config";
import { databaseProvider, getDb } from "@/lib/server/db/client";
import { memoryContext } from "@/lib/server/http/credential-context";
import { strategies } from "@/lib/server/strategies";
import type { SessionStrategy } from "@/lib/server/strategies/types";
import type { StrategyId } from "@/lib/strategies";
import { BENCH_PASSWORD, distribution, timeCalls, type Distribution } from "./stats";

export interface Counts {
  iterations: number;
  warmup: number;
}

export type FloorId =
  "sha256" | "hmac-sha256" | "jose-verify" | "iron-unseal" | "authjs-decode" | "authjs-encode" | "prisma-lookup" | "driver-lookup";

export const FLOOR_LABELS: Record<FloorId, string> = {
  sha256: "SHA-256 of a 43-byte token (node:crypto one-shot hash())",
  "hmac-sha256": "HMAC-SHA256 of a JWT's signing input (node:crypto)",
  "jose-verify": "jose jwtVerify, key imported once",
  "iron-unseal": "iron-session unsealData alone",
  "authjs-decode": "Auth.js decode() alone (JWE, key derived per call)",
  "authjs-encode": "Auth.js encode() alone: what its session read adds when it re-issues the token",
  "prisma-lookup": "one indexed lookup through Prisma ($queryRaw, same driver adapter)",
  "driver-lookup": "the same lookup through the raw driver (prepared once)",
};

/** The primitive each strategy's check is built on; a mitigation adds its store lookups (catalog: lookupsPerCheck). */
const BASE_FLOOR: Record<StrategyId, FloorId> = {
  stateful: "sha256",
  cookie: "iron-unseal",
  jwt: "jose-verify",
  nextauth: "authjs-decode",
};

export interface VariantCheckRow {
  variant: VariantId;
  /** Back-to-back checks: code and data stay in the CPU's caches. */
  check: Distribution;
  /**
   * Each check after sweeping EVICTION_BYTES of memory and a turn of the event loop, as a check in a server
   * runs after the framework's own request handling: what the caches do to the same code.
   */
  coldCheck: Distribution;
  /** The library chain: the base primitive plus one Prisma lookup per catalog lookup (a cache hit: one SHA-256). */
  floorChain: FloorId[];
  /** The chain's median, timed alternately with the check (timePaired). */
  floorUs: number;
  /** The same chain with the raw driver's lookup instead of Prisma's. */
  driverFloorUs: number;
  ratioToFloor: number;
  credentialBytes: number;
}

export interface InProcessResult {
  database: "sqlite" | "postgresql";
  floors: Record<FloorId, Distribution>;
  variants: VariantCheckRow[];
}

async function signedInContext(strategy: SessionStrategy): Promise<ReturnType<typeof memoryContext>> {
  const login = memoryContext();
  const result = await strategy.signIn({ email: "alice@example.com", password: BENCH_PASSWORD }, login);
  if (!result.ok) throw new Error(`${strategy.id}: sign-in failed (${result.reason})`);
  return memoryContext({ cookies: Object.fromEntries(login.jar), authorization: result.token ? `Bearer ${result.token}` : null });
}

// The stateful check's query (lib/server/data/sessions.ts): an indexed lookup of the session joined with its user.
const LOOKUP_SQL = `SELECT s."id", s."createdAt", s."lastSeenAt", s."expiresAt", s."absoluteExpiresAt",
       u."id" AS "userId", u."name", u."role", u."disabled"
FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."sessionVersion" = u."sessionVersion" AND s."tokenHash" = `;

/** The raw driver's lookup, prepared once: SQLite through better-sqlite3, PostgreSQL through pg with a named statement. */
async function rawDriverLookup(databaseUrl: string): Promise<{ lookup: (hash: string) => Promise<unknown>; close: () => Promise<void> }> {
  if (databaseProvider() === "sqlite") {
    const conn = new Database(sqliteFilePath(databaseUrl), { readonly: true });
    const statement = conn.prepare(`${LOOKUP_SQL}?`);
    return { lookup: async (hash) => statement.get(hash), close: async () => void conn.close() };
  }
  const u = new URL(databaseUrl);
  const schema = u.searchParams.get("schema");
  u.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  if (schema) await client.query(`SET search_path TO "${schema.replace(/"/g, '""')}"`);
  const query = { name: "bench-session-lookup", text: `${LOOKUP_SQL}$1` };
  return { lookup: async (hash) => (await client.query({ ...query, values: [hash] })).rows[0], close: () => client.end() };
}

/** One call of each floor's primitive, ready to time (keys imported, tokens made). */
async function floorWorks(
  databaseUrl: string,
  tokenHash: string,
): Promise<{ works: Record<FloorId, () => unknown>; close: () => Promise<void> }> {
  const secret = randomBytes(32).toString("base64url");
  const key = await webcrypto.subtle.importKey("raw", Buffer.from(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const claims = { name: "Alice Example", role: "member", sid: undefined, jti: randomBytes(16).toString("base64url") };
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "session+jwt" })
    .setSubject("u_123456789")
    .setIssuedAt()
    .setExpirationTime("15m")
    .sign(key);
  const signingInput = jwt.slice(0, jwt.lastIndexOf("."));
  const token = randomBytes(32).toString("base64url");
  const sealed = await sealData(
    { uid: "u_123456789", name: "Alice Example", role: "member", iat: 1, exp: 2 },
    { password: secret, ttl: 3600 },
  );
  const salt = "authjs.session-token";
  const authToken = await authJsEncode({
    token: { sub: "u_123456789", name: "Alice Example", role: "member" },
    secret,
    salt,
    maxAge: 3600,
  });
  const driver = await rawDriverLookup(databaseUrl);
  const db = getDb();
  const works: Record<FloorId, () => unknown> = {
    sha256: () => hash("sha256", token, "hex"),
    "hmac-sha256": () => createHmac("sha256", secret).update(signingInput).digest(),
    "jose-verify": () => jwtVerify(jwt, key, { algorithms: ["HS256"] }),
    "iron-unseal": () => unsealData(sealed, { password: secret, ttl: 3600 }),
    "authjs-decode": () => authJsDecode({ token: authToken, secret, salt }),
    "authjs-encode": () =>
      authJsEncode({ token: { sub: "u_123456789", name: "Alice Example", role: "member" }, secret, salt, maxAge: 3600 }),
    "prisma-lookup": () => db.$queryRawUnsafe(`${LOOKUP_SQL}${databaseProvider() === "sqlite" ? "?" : "$1"}`, tokenHash),
    "driver-lookup": () => driver.lookup(tokenHash),
  };
  return { works, close: () => driver.close() };
}

/**
 * A check and its floor chain, timed alternately call by call: both see the same state of the machine
 * (jose's WebCrypto calls, for one, are quicker or slower with the thread pool's threads awake or asleep).
 */
async function timePaired(check: () => Promise<unknown>, floor: () => Promise<unknown>, counts: Counts) {
  for (let i = 0; i < counts.warmup; i++) {
    await floor();
    await check();
  }
  const checkSamples: number[] = [];
  const floorSamples: number[] = [];
  for (let i = 0; i < counts.iterations; i++) {
    let start = performance.now();
    await floor();
    floorSamples.push((performance.now() - start) * 1000);
    start = performance.now();
    await check();
    checkSamples.push((performance.now() - start) * 1000);
  }
  return { check: distribution(checkSamples), floor: distribution(floorSamples) };
}

/**
 * A variant's library chain. A cache variant's steady state is a hit: one SHA-256 of the credential and a
 * lookup in memory, whatever its strategy's primitive (which a miss pays, once per credential).
 */
export function floorChain(variant: VariantId): FloorId[] {
  const info = VARIANTS[variant];
  if (info.speedOnly || info.stores.check.includes("session-cache")) return ["sha256"];
  return [BASE_FLOOR[info.base], ...Array.from({ length: info.lookupsPerCheck }, () => "prisma-lookup" as const)];
}

/** More than this machine's L1 and L2 caches hold (a few MiB on today's server cores). */
export const EVICTION_BYTES = 16 * 1024 * 1024;
const evictionBuffer = new Uint8Array(EVICTION_BYTES);
let evictionSink = 0;

/** Reads and writes one byte per cache line of EVICTION_BYTES, then lets the event loop turn once. */
async function evictCaches(): Promise<void> {
  for (let i = 0; i < evictionBuffer.length; i += 64) evictionSink += evictionBuffer[i]!++;
  await new Promise((resolve) => setImmediate(resolve));
}

/** Like timeCalls, but each timed call runs after evictCaches(). */
async function timeColdCalls(work: () => Promise<unknown>, iterations: number): Promise<Distribution> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    await evictCaches();
    const start = performance.now();
    await work();
    samples.push((performance.now() - start) * 1000);
  }
  if (evictionSink < 0) throw new Error("unreachable"); // keeps the sweep from being optimised away
  return distribution(samples);
}

export async function benchInProcess(
  counts: Counts,
  databaseUrl: string,
  onProgress: (text: string) => void = () => {},
): Promise<InProcessResult> {
  const registry = strategies();
  const contexts = new Map<VariantId, Awaited<ReturnType<typeof signedInContext>>>();
  for (const id of VARIANT_IDS) contexts.set(id, await signedInContext(registry[id]));
  // The lookup floors read the stateful session's own row.
  const statefulCookie = [...contexts.get("stateful")!.jar.values()][0];
  const tokenHash = statefulCookie ? createHash("sha256").update(statefulCookie).digest("hex") : "0".repeat(64);
  const { works, close } = await floorWorks(databaseUrl, tokenHash);
  try {
    onProgress("floors");
    const floors = {} as Record<FloorId, Distribution>;
    for (const id of Object.keys(works) as FloorId[]) floors[id] = await timeCalls(works[id], counts.iterations, counts.warmup);

    const rows: VariantCheckRow[] = [];
    for (const id of VARIANT_IDS) {
      onProgress(`in-process check: ${id}`);
      const strategy = registry[id];
      const ctx = contexts.get(id)!;
      const first = await strategy.validate(ctx);
      if (!first.session) throw new Error(`${id}: its own fresh credential was rejected`);
      const validate = async () => {
        const { session } = await strategy.validate(ctx);
        if (!session) throw new Error(`${id}: session rejected during the benchmark`);
      };
      const chain = floorChain(id);
      const floorOfChain = async () => {
        for (const f of chain) await works[f]();
      };
      const paired = await timePaired(validate, floorOfChain, counts);
      // Each cold sample sweeps 16 MiB (a few ms): a tenth of the hot count is plenty for a median.
      const coldCheck = await timeColdCalls(validate, Math.max(20, Math.round(counts.iterations / 10)));
      const driverFloorUs = chain.reduce((sum, f) => sum + floors[f === "prisma-lookup" ? "driver-lookup" : f].medianUs, 0);
      rows.push({
        variant: id,
        check: paired.check,
        coldCheck,
        floorChain: chain,
        floorUs: paired.floor.medianUs,
        driverFloorUs,
        ratioToFloor: paired.check.medianUs / paired.floor.medianUs,
        credentialBytes: first.session.credentialBytes,
      });
    }
    return { database: databaseProvider(), floors, variants: rows };
  } finally {
    await close();
  }
}
