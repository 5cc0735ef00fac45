import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// Environment, validated once at start (instrumentation.ts calls loadEnv()).
// In the demo and in development, missing secrets are generated once into
// data/secrets.json (git-ignored). In production a missing or weak secret
// stops start-up with a message that says how to make a good one.

const SECRET_NAMES = ["IRON_SESSION_PASSWORD", "JWT_SECRET", "AUTH_SECRET"] as const;
type SecretName = (typeof SECRET_NAMES)[number];

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** "1" lets a production build run as the local demo, with generated secrets. */
  SESSION_LAB_DEMO: z.enum(["0", "1"]).default("0"),
  DATABASE_URL: z
    .string()
    .default("file:./data/session-lab.db")
    .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v), "must start with file: or postgres://"),
  DEMO_PASSWORD: z.string().min(8, "must be at least 8 characters").default("lab-demo-password"),
  /** TTL profile: "production" (realistic lifetimes) or "lab" (short, to watch expiry happen). */
  SESSION_PROFILE: z.enum(["production", "lab"]).default("production"),
  IRON_SESSION_PASSWORD: z.string().optional(),
  JWT_SECRET: z.string().optional(),
  AUTH_SECRET: z.string().optional(),
});

export type Env = Omit<z.infer<typeof schema>, SecretName> & Record<SecretName, string> & { demo: boolean };

const MIN_SECRET_LENGTH = 32;

/** Why a secret is too weak, or null. Length alone is not enough: "aaaa…" is 32 characters. */
export function secretWeakness(value: string | undefined): string | null {
  if (!value) return "is missing";
  if (value.length < MIN_SECRET_LENGTH) return `is ${value.length} characters; at least ${MIN_SECRET_LENGTH} are required`;
  if (new Set(value).size < 12) return "repeats too few distinct characters to be random";
  return null;
}

export function generateSecret(): string {
  return randomBytes(32).toString("base64url"); // 256 bits
}

function demoSecretsFile(): string {
  return path.join(process.cwd(), "data", "secrets.json");
}

function loadOrCreateDemoSecrets(): Record<SecretName, string> {
  const file = demoSecretsFile();
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Record<SecretName, string>>;
    if (SECRET_NAMES.every((n) => !secretWeakness(parsed[n]))) return parsed as Record<SecretName, string>;
  } catch {
    // missing or unreadable: create below
  }
  const fresh = Object.fromEntries(SECRET_NAMES.map((n) => [n, generateSecret()])) as Record<SecretName, string>;
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": if another process won the race, use its file instead of overwriting it.
    writeFileSync(file, JSON.stringify(fresh, null, 2) + "\n", { mode: 0o600, flag: "wx" });
    return fresh;
  } catch {
    return JSON.parse(readFileSync(file, "utf8")) as Record<SecretName, string>;
  }
}

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
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
    const weakness = secretWeakness(value);
    if (!weakness) secrets[name] = value!;
    else if (demo && !value) secrets[name] = (generated ??= loadOrCreateDemoSecrets())[name];
    else problems.push(`  ${name} ${weakness}`);
  }
  if (problems.length > 0) {
    throw new EnvError(
      `Refusing to start with weak or missing secrets:\n${problems.join("\n")}\n` +
        `Set each to 32+ random bytes, e.g. \`node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"\`,\n` +
        `or run the local demo with SESSION_LAB_DEMO=1 to generate them into data/secrets.json.`,
    );
  }
  return { ...values, ...secrets, demo };
}

let cached: Env | null = null;

export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
