import { describe, expect, it } from "vitest";
import { EnvError, generateSecret, parseEnv, secretWeakness } from "@/lib/server/env";

const strong = () => ({ IRON_SESSION_PASSWORD: generateSecret(), JWT_SECRET: generateSecret(), AUTH_SECRET: generateSecret() });

describe("environment", () => {
  it("refuses to start in production with a missing or weak secret, naming it", () => {
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), JWT_SECRET: "short" })).toThrow(/JWT_SECRET is 5 characters/);
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), AUTH_SECRET: undefined })).toThrow(EnvError);
    expect(() => parseEnv({ NODE_ENV: "production", ...strong(), IRON_SESSION_PASSWORD: "a".repeat(40) })).toThrow(/distinct/);
  });

  it("starts in production with strong secrets", () => {
    const env = parseEnv({ NODE_ENV: "production", ...strong() });
    expect(env.demo).toBe(false);
    expect(env.SESSION_PROFILE).toBe("production");
  });

  it("refuses a weak secret even in the demo, but generates missing ones", () => {
    expect(() => parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1", JWT_SECRET: "weak" })).toThrow(/JWT_SECRET/);
    const env = parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1" });
    expect(env.demo).toBe(true);
    expect(secretWeakness(env.JWT_SECRET)).toBeNull();
    expect(parseEnv({ NODE_ENV: "production", SESSION_LAB_DEMO: "1" }).JWT_SECRET).toBe(env.JWT_SECRET); // generated once
  });

  it("rejects a malformed DATABASE_URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
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
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: JSON.stringify({ "2": generateSecret(), "1": "short" }) })).toThrow(/password 1 is 5 characters/);
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: JSON.stringify({ new: generateSecret() }) })).toThrow(/non-numeric/);
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: "{not json" })).toThrow(/not valid JSON/);
    expect(() => parseEnv({ ...base, IRON_SESSION_PASSWORD: "{}" })).toThrow(/or a map like/);
  });
});
