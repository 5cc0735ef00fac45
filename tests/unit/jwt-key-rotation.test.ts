import { createHmac } from "node:crypto";
import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { memoryContext } from "@/lib/server/http/credential-context";
import { parseEnv } from "@/lib/server/env";
import { createJwtStrategy } from "@/lib/server/strategies/jwt";
import { fakeClock, fakeVerify } from "../support/fake-clock";

// JWT_SECRET as a rotation map by kid: a new key signs, older listed keys still verify, nobody is signed out.

const OLD = "o".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzOLD";
const NEW = "n".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzNEW";

const bearer = (token: string) => memoryContext({ authorization: `Bearer ${token}` });
const header = (token: string) => JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[0]!))) as Record<string, unknown>;

async function tokenFrom(secret: string | Record<string, string>, clock = fakeClock()) {
  const strategy = createJwtStrategy({ clock, ttlSeconds: 900, secret, verifyCredentials: fakeVerify });
  const result = await strategy.signIn({ email: "alice@example.com", password: "right-password" }, memoryContext());
  if (!result.ok || !result.token) throw new Error("sign-in failed");
  return { strategy, token: result.token };
}

/** The token's payload re-signed with `secret` under `kid` (what a holder of that key could make). */
function resign(token: string, kid: unknown, secret: string): string {
  const h = base64url.encode(JSON.stringify({ ...header(token), kid }));
  const input = `${h}.${token.split(".")[1]}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

describe("JWT key rotation by kid", () => {
  it("a single secret signs without kid, as before", async () => {
    const { token } = await tokenFrom(OLD);
    expect(header(token).kid).toBeUndefined();
  });

  it("after rotation, tokens of the old secret still work and new ones name the newest key", async () => {
    const clock = fakeClock();
    const { token: before } = await tokenFrom(OLD, clock);
    const { strategy: rotated, token: after } = await tokenFrom({ "2": NEW, "1": OLD }, clock);
    expect(header(after).kid).toBe("2");
    expect((await rotated.validate(bearer(before))).user?.id).toBe("user-alice");
    expect((await rotated.validate(bearer(after))).user?.id).toBe("user-alice");
    // Once key 1 is dropped, its tokens end; key 2's keep working.
    const { strategy: retired } = await tokenFrom({ "2": NEW }, clock);
    expect((await retired.validate(bearer(before))).session).toBeNull();
    expect((await retired.validate(bearer(after))).user?.id).toBe("user-alice");
  });

  it("a kid names a listed key or nothing: unknown, injected or mismatched kids are refused", async () => {
    const { strategy, token } = await tokenFrom({ "2": NEW, "1": OLD });
    for (const kid of ["3", "../../dev/null", "' OR 1=1 --", 2, { $ne: null }]) {
      expect((await strategy.validate(bearer(resign(token, kid, NEW)))).session, String(kid)).toBeNull();
    }
    // The right key under another key's id is refused too.
    expect((await strategy.validate(bearer(resign(token, "1", NEW)))).session).toBeNull();
    expect((await strategy.validate(bearer(resign(token, "2", NEW)))).session).not.toBeNull();
  });

  it("JWT_SECRET accepts a rotation map, each key held to the strength rule", () => {
    const strong = {
      IRON_SESSION_PASSWORD: "i".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzIRON",
      AUTH_SECRET: "a".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzAUTH",
      HANDOFF_SECRET: "h".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzHAND",
    };
    const env = parseEnv({ NODE_ENV: "production", ...strong, JWT_SECRET: JSON.stringify({ "2": NEW, "1": OLD }) });
    expect(env.jwtSecret).toEqual({ "2": NEW, "1": OLD });
    expect(() => parseEnv({ NODE_ENV: "production", ...strong, JWT_SECRET: JSON.stringify({ "2": NEW, "1": "short" }) })).toThrow(
      /JWT_SECRET password 1/,
    );
    expect(() =>
      parseEnv({ NODE_ENV: "production", ...strong, JWT_SECRET: JSON.stringify({ "2": strong.HANDOFF_SECRET, "1": OLD }) }),
    ).toThrow(/HANDOFF_SECRET must differ/);
  });
});
