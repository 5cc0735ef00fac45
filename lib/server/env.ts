import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_DEMO_PASSWORD } from "@/lib/demo-accounts";
import { databaseUrlOrDefault, providerForUrl } from "./db/config";

// Environment, validated once at start (instrumentation.ts calls loadEnv()).
// In the demo and in development, missing secrets are generated once into
// data/secrets.json (git-ignored). In production a missing or weak secret
// stops start-up with a message that says how to make a good one.

// HANDOFF_SECRET signs the cross-domain handoff and logout tokens: a key of its
// own, so no session key can forge one and it can forge no session.
const SECRET_NAMES = ["IRON_SESSION_PASSWORD", "JWT_SECRET", "AUTH_SECRET", "HANDOFF_SECRET"] as const;
type SecretName = (typeof SECRET_NAMES)[number];

/** An origin: scheme and host (and port), nothing else. */
const origin = () => z.string().regex(/^https?:\/\/[^/\s]+$/, "must be an origin like https://lab.example.com (no path)");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** "1" lets a production build run as the local demo, with generated secrets. */
  SESSION_LAB_DEMO: z.enum(["0", "1"]).default("0"),
  /** Unset or empty: the default SQLite file (lib/server/db/config.ts owns the default, for the scripts too). */
  DATABASE_URL: z
    .string()
    .optional()
    .transform(databaseUrlOrDefault)
    .refine(isSupportedDatabaseUrl, "must start with file: or postgres://"),
  /**
   * Password of the seeded demo accounts. In demo mode (SESSION_LAB_DEMO=1, or not production) it
   * defaults to the published DEFAULT_DEMO_PASSWORD; outside it the accounts (an admin among them) are
   * seeded only when this is set, and then it must be strong (seedPasswordWeakness).
   */
  DEMO_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  /** Public origin, e.g. https://lab.example.com: the CSRF check and cookie security use it instead of the Host header. */
  APP_ORIGIN: origin().optional(),
  /**
   * The two origins of the cross-domain handoff (docs/handoff.md): A signs the user in, B is the partner
   * app. Defaults: APP_ORIGIN or http://localhost:PORT, and http://127.0.0.1:PORT (two sites to a browser).
   */
  HANDOFF_ORIGIN_A: origin().optional(),
  HANDOFF_ORIGIN_B: origin().optional(),
  /** Port of `next start`; Next.js sets it, and the handoff origins default to it. */
  PORT: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(65535).default(3000)),
  /** "1" only behind a reverse proxy that overwrites X-Forwarded-Proto and X-Forwarded-Host. */
  TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  /**
   * Comparison runs and live split-screens (/compare): they create and delete throwaway accounts,
   * so they are on in the demo and in development, and in production only with "1".
   */
  SESSION_LAB_COMPARE: z.enum(["0", "1"]).optional(),
  /**
   * The attack lab's deliberately vulnerable pages (/lab/vulnerable/…, docs/security.md): on in the demo and
   * in development, and in production only with "1". They live on their own paths and weaken no real route.
   */
  SESSION_LAB_VULNERABLE_PAGES: z.enum(["0", "1"]).optional(),
  /** Where a page run reaches this server itself (default http://127.0.0.1:$PORT). */
  COMPARE_SELF_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]+$/, "must be an origin like http://127.0.0.1:3000 (no path)")
    .optional(),
  /** TTL profile: "production" (realistic lifetimes) or "lab" (short, to watch expiry happen). */
  SESSION_PROFILE: z.enum(["production", "lab"]).default("production"),
  /**
   * Unset: the embedded default (every store in the database, caches per process). Set (redis:// or rediss://):
   * the denylist, session versions and refresh families live in Redis, and revocations reach every instance
   * through its pub/sub (docs/scaling.md).
   */
  REDIS_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().refine(isRedisUrl, "must be a URL like redis://127.0.0.1:6379/0").optional(),
  ),
  /** Prefix of every Redis key and channel: instances of one deployment share it, other deployments pick their own. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, "letters, digits and : _ . - only, at most 64")
    .default("session-lab:"),
  /** Names this instance in the X-Session-Lab-Instance response header (npm run cluster sets a and b). */
  SESSION_LAB_INSTANCE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,32}$/, "letters, digits and _ . - only, at most 32")
    .optional(),
  IRON_SESSION_PASSWORD: z.string().optional(),
  JWT_SECRET: z.string().optional(),
  AUTH_SECRET: z.string().optional(),
  HANDOFF_SECRET: z.string().optional(),
});

/** redis://[user:pass@]host[:port][/db] or rediss://…; anything else is refused at start rather than half-working. */
export function isRedisUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") return false;
  if (!url.hostname) return false;
  const db = url.pathname.replace(/^\//, "");
  return db === "" || /^\d{1,2}$/.test(db);
}

function isSupportedDatabaseUrl(url: string): boolean {
  try {
    providerForUrl(url);
    return true;
  } catch {
    return false;
  }
}

export type Env = Omit<z.infer<typeof schema>, SecretName | "HANDOFF_ORIGIN_A" | "HANDOFF_ORIGIN_B"> &
  Record<SecretName, string> & {
    demo: boolean;
    /** Comparison runs may be started here (SESSION_LAB_COMPARE, else on in the demo and in development). */
    compareEnabled: boolean;
    /** The lab's deliberately vulnerable pages are served (SESSION_LAB_VULNERABLE_PAGES, else on in the demo and in development). */
    vulnerablePagesEnabled: boolean;
    /** The handoff's origins, defaults applied: A (signs in, mints) and B (the partner app). */
    HANDOFF_ORIGIN_A: string;
    HANDOFF_ORIGIN_B: string;
    /** Password to seed the demo accounts with into an empty database, or null: seed nothing. */
    seedPassword: string | null;
    /** IRON_SESSION_PASSWORD as iron-session takes it: one password, or a rotation map `{"2": newest, "1": older}`. */
    ironPassword: string | Record<string, string>;
    /** JWT_SECRET as the jwt strategy takes it: one secret, or a rotation map by kid `{"2": newest, "1": older}`. */
    jwtSecret: string | Record<string, string>;
  };

/** Why DEMO_PASSWORD is too weak to seed accounts with outside the demo, or null. */
export function seedPasswordWeakness(value: string): string | null {
  if (value === DEFAULT_DEMO_PASSWORD) return "is the published default";
  if (value.length < 16) return `is ${value.length} characters; at least 16 are required`;
  if (new Set(value).size < 8) return "repeats too few distinct characters";
  return null;
}

/** 256 bits: the HMAC-SHA256 / AES-256 key size every session secret feeds. */
export const MIN_SECRET_BITS = 256;

/**
 * Why a secret is too weak, or null. Strength is entropy, not length:
 * "passwordpasswordpassword12345678" is 32 characters but nowhere near 256 bits.
 * A value made only of base64/base64url or hex characters must decode to
 * ≥ 32 bytes (what `randomBytes(32)` prints); any other value is a passphrase
 * whose estimated entropy (its length × log2 of the character classes it
 * draws from) must be ≥ 256 bits. Either way a value repeating few distinct
 * characters is refused.
 */
export function secretWeakness(value: string | undefined): string | null {
  if (!value) return "is missing";
  const decoded = decodedKeyBytes(value);
  // Shaped like an encoded key: judged by the bytes it decodes to.
  const bits = decoded === null ? Math.floor(estimatedEntropyBits(value)) : decoded * 8;
  if (bits < MIN_SECRET_BITS) {
    return (
      `has about ${bits} bits of entropy (${value.length} characters); at least ${MIN_SECRET_BITS} are required: ` +
      `32+ random bytes as base64 or hex (43 base64url or 64 hex characters), or a long passphrase of mixed characters`
    );
  }
  if (new Set(value).size < 10) return "repeats too few distinct characters to be random";
  return null;
}

/** Bytes a hex or base64(url) value decodes to; null if it is neither. */
function decodedKeyBytes(value: string): number | null {
  if (/^(?:[0-9a-f]{2})+$/i.test(value)) return value.length / 2;
  const body = value.replace(/={1,2}$/, "");
  if (/^[A-Za-z0-9+/]+$/.test(body) || /^[A-Za-z0-9_-]+$/.test(body)) return Math.floor((body.length * 6) / 8);
  return null;
}

/** length × log2(size of the character classes used): an upper bound for a random string, generous for anything else. */
function estimatedEntropyBits(value: string): number {
  let pool = 0;
  if (/[a-z]/.test(value)) pool += 26;
  if (/[A-Z]/.test(value)) pool += 26;
  if (/[0-9]/.test(value)) pool += 10;
  if (/[^A-Za-z0-9]/.test(value)) pool += 33;
  return value.length * Math.log2(Math.max(pool, 2));
}

/**
 * IRON_SESSION_PASSWORD is one password, or a JSON rotation map
 * `{"2":"<newest>","1":"<older>"}`: seals are made with the highest id and
 * every listed password still opens older seals (iron-session's rotation).
 */
export function parseIronPassword(value: string): { password: string | Record<string, string> } | { weakness: string } {
  if (!value.trim().startsWith("{")) {
    const weakness = secretWeakness(value);
    return weakness ? { weakness } : { password: value };
  }
  let map: unknown;
  try {
    map = JSON.parse(value);
  } catch {
    return { weakness: "looks like a JSON rotation map but is not valid JSON" };
  }
  const entries = map && typeof map === "object" && !Array.isArray(map) ? Object.entries(map) : [];
  if (entries.length === 0) return { weakness: 'must be a password or a map like {"2":"<new>","1":"<old>"}' };
  for (const [id, password] of entries) {
    // iron-session seals with Math.max(ids): ids must be canonical positive integers ("01" would not match).
    if (!/^[1-9]\d{0,8}$/.test(id)) return { weakness: `has password id "${id}"; ids are positive integers like "1", "2"` };
    const weakness = typeof password === "string" ? secretWeakness(password) : "is not a string";
    if (weakness) return { weakness: `password ${id} ${weakness}` };
  }
  return { password: Object.fromEntries(entries) as Record<string, string> };
}

export function generateSecret(): string {
  return randomBytes(32).toString("base64url"); // 256 bits
}

const DEFAULT_SECRETS_FILE = path.join("data", "secrets.json");

/**
 * The demo's secrets: read from the file, or generated once into it. A file
 * that exists but holds anything weak is an error, never silently used.
 */
function loadOrCreateDemoSecrets(file: string): Record<SecretName, string> {
  if (!existsSync(file)) {
    const fresh = Object.fromEntries(SECRET_NAMES.map((n) => [n, generateSecret()])) as Record<SecretName, string>;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Write a temporary file, then link it into place: the link fails if
    // another process got there first, so nobody ever reads a half-written file.
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(temp, JSON.stringify(fresh, null, 2) + "\n", { mode: 0o600 });
    try {
      linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(temp, { force: true });
    }
  }
  let stored = readDemoSecrets(file);
  const added = SECRET_NAMES.filter((n) => stored[n] === undefined);
  if (added.length > 0) {
    // A file from an older version lacks a secret added since (HANDOFF_SECRET): add it and keep the others,
    // replacing the file atomically; then read it back, so that every process uses what the file says.
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(temp, JSON.stringify({ ...Object.fromEntries(added.map((n) => [n, generateSecret()])), ...stored }, null, 2) + "\n", {
      mode: 0o600,
    });
    renameSync(temp, file);
    stored = readDemoSecrets(file);
  }
  const weak = SECRET_NAMES.filter((n) => typeof stored[n] !== "string" || secretWeakness(stored[n] as string));
  if (weak.length > 0) throw new EnvError(`${file} has weak or missing ${weak.join(", ")}. Delete it to have new demo secrets generated.`);
  return stored as Record<SecretName, string>;
}

function readDemoSecrets(file: string): Partial<Record<SecretName, unknown>> {
  try {
    const value: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Partial<Record<SecretName, unknown>>;
  } catch {
    // reported below
  }
  throw new EnvError(`${file} is not valid JSON. Delete it to have new demo secrets generated.`);
}

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined>, options: { secretsFile?: string } = {}): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const values = parsed.data;
  const demo = values.SESSION_LAB_DEMO === "1" || values.NODE_ENV !== "production";
  const secrets = {} as Record<SecretName, string>;
  let generated: Record<SecretName, string> | null = null;
  const problems: string[] = [];
  for (const name of SECRET_NAMES) {
    const value = values[name];
    // Both may be rotation maps `{"2": newest, "1": older}`: each listed secret is checked.
    const weakness = (name === "IRON_SESSION_PASSWORD" || name === "JWT_SECRET") && value ? ironWeakness(value) : secretWeakness(value);
    if (!weakness) secrets[name] = value!;
    else if (demo && !value)
      secrets[name] = (generated ??= loadOrCreateDemoSecrets(options.secretsFile ?? path.join(process.cwd(), DEFAULT_SECRETS_FILE)))[name];
    else problems.push(`  ${name} ${weakness}`);
  }
  // Key separation: a handoff key equal to a session key would let one kind of token be forged as the other.
  const sessionSecrets = [...ironPasswords(secrets.JWT_SECRET), secrets.AUTH_SECRET, ...ironPasswords(secrets.IRON_SESSION_PASSWORD)];
  if (secrets.HANDOFF_SECRET && sessionSecrets.includes(secrets.HANDOFF_SECRET)) {
    problems.push("  HANDOFF_SECRET must differ from IRON_SESSION_PASSWORD, JWT_SECRET and AUTH_SECRET");
  }
  if (problems.length > 0) {
    throw new EnvError(
      `Refusing to start with weak or missing secrets:\n${problems.join("\n")}\n` +
        `Set each to 32+ random bytes, e.g. \`node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"\`,\n` +
        `or run the local demo with SESSION_LAB_DEMO=1 to generate them into data/secrets.json.`,
    );
  }
  // No default admin with a published password outside the demo (ASVS 6.3.2).
  let seedPassword: string | null = values.DEMO_PASSWORD ?? (demo ? DEFAULT_DEMO_PASSWORD : null);
  if (!demo && seedPassword !== null) {
    const weakness = seedPasswordWeakness(seedPassword);
    if (weakness) {
      throw new EnvError(
        `Invalid environment:\n  DEMO_PASSWORD ${weakness}.\n` +
          `Outside the demo (SESSION_LAB_DEMO=1) the demo accounts, an admin among them, are seeded only with a strong DEMO_PASSWORD; ` +
          `unset it to seed none.`,
      );
    }
    seedPassword = values.DEMO_PASSWORD!;
  }
  const iron = parseIronPassword(secrets.IRON_SESSION_PASSWORD);
  const jwtKeys = parseIronPassword(secrets.JWT_SECRET);
  const compareEnabled = values.SESSION_LAB_COMPARE ? values.SESSION_LAB_COMPARE === "1" : demo;
  const vulnerablePagesEnabled = values.SESSION_LAB_VULNERABLE_PAGES ? values.SESSION_LAB_VULNERABLE_PAGES === "1" : demo;
  const HANDOFF_ORIGIN_A = values.HANDOFF_ORIGIN_A ?? values.APP_ORIGIN ?? `http://localhost:${values.PORT}`;
  const HANDOFF_ORIGIN_B = values.HANDOFF_ORIGIN_B ?? `http://127.0.0.1:${values.PORT}`;
  if (HANDOFF_ORIGIN_A === HANDOFF_ORIGIN_B) {
    throw new EnvError(`Invalid environment:\n  HANDOFF_ORIGIN_B: must differ from HANDOFF_ORIGIN_A (${HANDOFF_ORIGIN_A})`);
  }
  return {
    ...values,
    ...secrets,
    demo,
    compareEnabled,
    seedPassword,
    vulnerablePagesEnabled,
    ironPassword: "password" in iron ? iron.password : secrets.IRON_SESSION_PASSWORD,
    jwtSecret: "password" in jwtKeys ? jwtKeys.password : secrets.JWT_SECRET,
    HANDOFF_ORIGIN_A,
    HANDOFF_ORIGIN_B,
  };
}

function ironPasswords(value: string | undefined): string[] {
  if (!value) return [];
  const parsed = parseIronPassword(value);
  return "password" in parsed ? (typeof parsed.password === "string" ? [parsed.password] : Object.values(parsed.password)) : [value];
}

function ironWeakness(value: string): string | null {
  const parsed = parseIronPassword(value);
  return "weakness" in parsed ? parsed.weakness : null;
}

let cached: Env | null = null;

export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
