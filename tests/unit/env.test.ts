import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD } from "@/lib/demo-accounts";
import { databaseUrlOrDefault, DEFAULT_DATABASE_URL } from "@/lib/server/db/config";
import { EnvError, generateSecret, parseEnv, secretWeakness } from "@/lib/server/env";

const strong = () => ({
  IRON_SESSION_PASSWORD: generateSecret(),
  JWT_SECRET: generateSecret(),
  AUTH_SECRET: generateSecret(),
  HANDOFF_SECRET: generateSecret(),
});

describe("secret strength is entropy (≥ 256 bits), not length", () => {
  it("refuses a long but guessable secret at boot with a clear message", () => {
    expect(secretWeakness("passwordpasswordpassword12345678")).toMatch(/about \d+ bits of entropy.*at least 256/);
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), AUTH_SECRET: "passwordpasswordpassword12345678" })).toThrow(
      /AUTH_SECRET has about \d+ bits of entropy/,
    );
  });

  it("accepts 32 random bytes as base64url, base64 or hex, and refuses 31", () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256));
    expect(secretWeakness(bytes.toString("base64url"))).toBeNull();
    expect(secretWeakness(bytes.toString("base64"))).toBeNull();
    expect(secretWeakness(bytes.toString("hex"))).toBeNull();
    expect(secretWeakness(bytes.subarray(0, 31).toString("hex"))).not.toBeNull();
    expect(secretWeakness(bytes.subarray(0, 31).toString("base64url"))).not.toBeNull();
  });

  it("accepts a long passphrase of many character classes (≥ 256 bits estimated)", () => {
    expect(secretWeakness("Tr0ub4dor&3-correct-horse-battery-staple!Q7#zW")).toBeNull();
  });
});

describe("environment", () => {
  it("refuses to start in production with a missing or weak secret, naming it", () => {
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), JWT_SECRET: "short" })).toThrow(
      /JWT_SECRET has about \d+ bits of entropy/,
    );
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), AUTH_SECRET: undefined })).toThrow(EnvError);
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), IRON_SESSION_PASSWORD: "a".repeat(40) })).toThrow(
      /IRON_SESSION_PASSWORD has about/,
    );
    // A 43-character base64url value decodes to 32 bytes, but repeats too few characters to be random.
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), JWT_SECRET: "ab".repeat(22).slice(0, 43) })).toThrow(/distinct/);
  });

  it("starts in production with strong secrets", () => {
    const env = parseEnv({ NODE_ENV: "production", ...strong() });
    expect(env.demo).toBe(false);
    expect(env.SESSION_PROFILE).toBe("production");
  });

  it("refuses a weak secret even in the demo, but generates missing ones once, privately", () => {
    const secretsFile = path.join(mkdtempSync(path.join(tmpdir(), "env-")), "data", "secrets.json");
    expect(() => parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1", JWT_SECRET: "weak" }, { secretsFile })).toThrow(/JWT_SECRET/);
    const env = parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1" }, { secretsFile });
    expect(env.demo).toBe(true);
    expect(secretWeakness(env.JWT_SECRET)).toBeNull();
    expect(JSON.parse(readFileSync(secretsFile, "utf8")).JWT_SECRET).toBe(env.JWT_SECRET);
    expect(statSync(secretsFile).mode & 0o077).toBe(0); // readable by the owner only
    expect(parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1" }, { secretsFile }).JWT_SECRET).toBe(env.JWT_SECRET); // generated once
  });

  it("never uses a weak or broken demo secrets file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "env-"));
    const weakFile = path.join(dir, "weak.json");
    writeFileSync(weakFile, JSON.stringify({ IRON_SESSION_PASSWORD: generateSecret(), JWT_SECRET: "", AUTH_SECRET: "aaaaaaaa" }));
    expect(() => parseEnv({ SESSION_LAB_DEMO: "1" }, { secretsFile: weakFile })).toThrow(/weak or missing JWT_SECRET, AUTH_SECRET/);
    const brokenFile = path.join(dir, "broken.json");
    writeFileSync(brokenFile, "{");
    expect(() => parseEnv({ SESSION_LAB_DEMO: "1" }, { secretsFile: brokenFile })).toThrow(/not valid JSON/);
  });

  it("rejects a malformed DATABASE_URL or APP_ORIGIN", () => {
    expect(() => parseEnv({ ...strong(), DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ ...strong(), APP_ORIGIN: "https://lab.example.com/path" })).toThrow(/APP_ORIGIN/);
    expect(parseEnv({ ...strong(), APP_ORIGIN: "https://lab.example.com" }).APP_ORIGIN).toBe("https://lab.example.com");
  });

  it("defaults DATABASE_URL exactly as the database scripts do (unset or empty: the SQLite file)", () => {
    for (const DATABASE_URL of [undefined, "", "  "]) {
      expect(parseEnv({ ...strong(), DATABASE_URL }).DATABASE_URL).toBe(DEFAULT_DATABASE_URL);
      expect(databaseUrlOrDefault(DATABASE_URL)).toBe(DEFAULT_DATABASE_URL);
    }
    expect(parseEnv({ ...strong(), DATABASE_URL: "postgresql://u@h/db" }).DATABASE_URL).toBe("postgresql://u@h/db");
  });

  it("seeds the demo accounts only in the demo, or with an explicit strong DEMO_PASSWORD", () => {
    expect(parseEnv(strong()).seedPassword).toBe(DEFAULT_DEMO_PASSWORD); // development is the demo
    expect(parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1", ...strong() }).seedPassword).toBe(DEFAULT_DEMO_PASSWORD);
    expect(parseEnv({ NODE_ENV: "production", ...strong() }).seedPassword).toBeNull();
    const chosen = "a-long-chosen-passphrase-42";
    expect(parseEnv({ NODE_ENV: "production", ...strong(), DEMO_PASSWORD: chosen }).seedPassword).toBe(chosen);
    for (const weak of [DEFAULT_DEMO_PASSWORD, "short-pass", "aaaaaaaaaaaaaaaaaaaa"]) {
      expect(() => parseEnv({ NODE_ENV: "production", ...strong(), DEMO_PASSWORD: weak })).toThrow(/DEMO_PASSWORD/);
    }
  });

  it("requires a handoff key of its own: present, strong, and equal to no session key", () => {
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), HANDOFF_SECRET: undefined })).toThrow(/HANDOFF_SECRET is missing/);
    const base = strong();
    for (const session of [base.JWT_SECRET, base.AUTH_SECRET, base.IRON_SESSION_PASSWORD]) {
      expect(() => parseEnv({ NODE_ENV: "production", ...base, HANDOFF_SECRET: session })).toThrow(/HANDOFF_SECRET must differ/);
    }
    const rotated = JSON.stringify({ "2": generateSecret(), "1": base.HANDOFF_SECRET });
    expect(() => parseEnv({ NODE_ENV: "production", ...base, IRON_SESSION_PASSWORD: rotated })).toThrow(/HANDOFF_SECRET must differ/);
  });

  it("adds a secret missing from an older demo secrets file, keeping the others", () => {
    const secretsFile = path.join(mkdtempSync(path.join(tmpdir(), "env-")), "secrets.json");
    const { IRON_SESSION_PASSWORD, JWT_SECRET, AUTH_SECRET } = strong();
    writeFileSync(secretsFile, JSON.stringify({ IRON_SESSION_PASSWORD, JWT_SECRET, AUTH_SECRET }), { mode: 0o600 });
    const env = parseEnv({ SESSION_LAB_DEMO: "1" }, { secretsFile });
    expect(env).toMatchObject({ IRON_SESSION_PASSWORD, JWT_SECRET, AUTH_SECRET });
    expect(secretWeakness(env.HANDOFF_SECRET)).toBeNull();
    expect(JSON.parse(readFileSync(secretsFile, "utf8"))).toEqual({
      IRON_SESSION_PASSWORD,
      JWT_SECRET,
      AUTH_SECRET,
      HANDOFF_SECRET: env.HANDOFF_SECRET,
    });
    expect(statSync(secretsFile).mode & 0o077).toBe(0);
    expect(parseEnv({ SESSION_LAB_DEMO: "1" }, { secretsFile }).HANDOFF_SECRET).toBe(env.HANDOFF_SECRET);
  });

  it("derives the handoff's two origins from PORT (or APP_ORIGIN), and refuses them equal", () => {
    expect(parseEnv(strong())).toMatchObject({ HANDOFF_ORIGIN_A: "http://localhost:3000", HANDOFF_ORIGIN_B: "http://127.0.0.1:3000" });
    expect(parseEnv({ ...strong(), PORT: "3350" })).toMatchObject({
      HANDOFF_ORIGIN_A: "http://localhost:3350",
      HANDOFF_ORIGIN_B: "http://127.0.0.1:3350",
    });
    expect(parseEnv({ ...strong(), APP_ORIGIN: "https://a.example" }).HANDOFF_ORIGIN_A).toBe("https://a.example");
    const both = { HANDOFF_ORIGIN_A: "https://a.example", HANDOFF_ORIGIN_B: "https://b.example" };
    expect(parseEnv({ ...strong(), ...both })).toMatchObject(both);
    expect(() => parseEnv({ ...strong(), HANDOFF_ORIGIN_B: "https://b.example/path" })).toThrow(/HANDOFF_ORIGIN_B/);
    expect(() => parseEnv({ ...strong(), HANDOFF_ORIGIN_A: "http://127.0.0.1:3000" })).toThrow(/must differ/);
  });

  it("generates 256-bit secrets", () => {
    expect(Buffer.from(generateSecret(), "base64url")).toHaveLength(32);
  });
});

describe("iron-session password rotation", () => {
  it("accepts a JSON map of strong passwords and hands it to iron-session as a map", () => {
    const map = { "2": generateSecret(), "1": generateSecret() };
    const env = parseEnv({ NODE_ENV: "production", ...strong(), IRON_SESSION_PASSWORD: JSON.stringify(map) });
    expect(env.ironPassword).toEqual(map);
    expect(parseEnv({ NODE_ENV: "production", ...strong() }).ironPassword).toEqual(expect.any(String));
  });

  it("refuses a map with a weak password, a bad id or bad JSON", () => {
    const base = { NODE_ENV: "production", ...strong() };
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: JSON.stringify({ "2": generateSecret(), "1": "short" }) })).toThrow(
      /password 1 has about \d+ bits/,
    );
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: JSON.stringify({ new: generateSecret() }) })).toThrow(/positive integers/);
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: JSON.stringify({ "01": generateSecret() }) })).toThrow(/positive integers/);
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: "{not json" })).toThrow(/not valid JSON/);
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: "{}" })).toThrow(/or a map like/);
  });
});

describe(".env.example", () => {
  const readmeVariables = () => {
    const section = readFileSync("README.md", "utf8").split("\n## Configuration\n")[1]!.split("\n## ")[0]!;
    const rows = section.split("\n").filter((line) => line.startsWith("| `"));
    return rows.flatMap((row) => [...row.split("|")[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!));
  };
  const example = readFileSync(".env.example", "utf8");
  const assignments = [...example.matchAll(/^# ?([A-Z_]+)=(.*)$/gm)].map((m) => ({ name: m[1]!, value: m[2]! }));

  it("lists exactly the variables of the README's configuration table", () => {
    expect(readmeVariables().length).toBeGreaterThan(5);
    expect(assignments.map((a) => a.name).sort()).toEqual(readmeVariables().sort());
  });

  it("holds only defaults and no secret: uncommenting it all changes nothing", () => {
    const values = Object.fromEntries(assignments.filter((a) => a.name !== "PORT").map((a) => [a.name, a.value || undefined]));
    for (const name of ["IRON_SESSION_PASSWORD", "JWT_SECRET", "AUTH_SECRET"]) expect(values[name]).toBeUndefined();
    const secretsFile = path.join(mkdtempSync(path.join(tmpdir(), "env-")), "secrets.json");
    const SECRETS = new Set(["ironPassword", "IRON_SESSION_PASSWORD", "JWT_SECRET", "AUTH_SECRET"]);
    const settings = (env: object) => Object.fromEntries(Object.entries(env).filter(([k]) => !SECRETS.has(k)));
    const fromExample = settings(parseEnv(values, { secretsFile }));
    const defaults = settings(parseEnv({}, { secretsFile }));
    expect(fromExample).toEqual(defaults);
  });
});

describe("vulnerable lab pages switch", () => {
  const secretsFile = () => path.join(mkdtempSync(path.join(tmpdir(), "env-")), "secrets.json");
  it("is on in the demo and in development, off in production unless SESSION_LAB_VULNERABLE_PAGES=1", () => {
    expect(parseEnv({ NODE_ENV: "production", ...strong() }).vulnerablePagesEnabled).toBe(false);
    expect(parseEnv({ NODE_ENV: "production", SESSION_LAB_VULNERABLE_PAGES: "1", ...strong() }).vulnerablePagesEnabled).toBe(true);
    expect(parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1" }, { secretsFile: secretsFile() }).vulnerablePagesEnabled).toBe(true);
    expect(parseEnv({ SESSION_LAB_VULNERABLE_PAGES: "0" }, { secretsFile: secretsFile() }).vulnerablePagesEnabled).toBe(false);
    expect(() => parseEnv({ NODE_ENV: "production", SESSION_LAB_VULNERABLE_PAGES: "yes", ...strong() })).toThrow(
      /SESSION_LAB_VULNERABLE_PAGES/,
    );
  });
});

describe("comparison runs switch", () => {
  const secretsFile = () => path.join(mkdtempSync(path.join(tmpdir(), "env-")), "secrets.json");
  it("is on in the demo and in development, off in production unless SESSION_LAB_COMPARE=1", () => {
    expect(parseEnv({ NODE_ENV: "production", ...strong() }).compareEnabled).toBe(false);
    expect(parseEnv({ NODE_ENV: "production", SESSION_LAB_COMPARE: "1", ...strong() }).compareEnabled).toBe(true);
    expect(parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1" }, { secretsFile: secretsFile() }).compareEnabled).toBe(true);
    expect(parseEnv({ SESSION_LAB_COMPARE: "0" }, { secretsFile: secretsFile() }).compareEnabled).toBe(false);
    expect(() => parseEnv({ NODE_ENV: "production", SESSION_LAB_COMPARE: "yes", ...strong() })).toThrow(/SESSION_LAB_COMPARE/);
    expect(() => parseEnv({ NODE_ENV: "production", COMPARE_SELF_URL: "http://x/path", ...strong() })).toThrow(/COMPARE_SELF_URL/);
  });
});
