import { createHmac } from "node:crypto";
import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { VARIANTS } from "@/lib/catalog/variants";
import { getDb } from "@/lib/server/db/client";
import { memoryContext } from "@/lib/server/http/credential-context";
import { databaseStores } from "@/lib/server/stores/database";
import { createJwtStrategy, JWT_CLOCK_TOLERANCE_SECONDS, JWT_TYPE } from "@/lib/server/strategies/jwt";
import { measure } from "@/lib/server/timing";
import { alice, fakeClock, fakeVerify } from "../support/fake-clock";

const SECRET = "d".repeat(8) + "0123456789abcdefghijklmnopqrstuvwxyz";

function setup(ttlSeconds = 900) {
  const clock = fakeClock(Date.now());
  const stores = databaseStores(clock);
  const options = { clock, ttlSeconds, secret: SECRET, verifyCredentials: fakeVerify };
  return {
    clock,
    stores,
    strategy: createJwtStrategy({ ...options, id: "jwt-denylist", denylist: stores.denylist }),
    plain: createJwtStrategy(options),
  };
}

async function signIn(strategy: ReturnType<typeof setup>["strategy"]) {
  const result = await strategy.signIn({ email: "alice@example.com", password: "right-password" }, memoryContext());
  if (!result.ok || !result.token) throw new Error("sign-in failed");
  return result.token;
}

const bearer = (token: string) => memoryContext({ authorization: `Bearer ${token}` });
const decode = (part: string) => JSON.parse(new TextDecoder().decode(base64url.decode(part))) as Record<string, unknown>;
const enc = (s: string) => base64url.encode(s);
const sign = (input: string) => `${input}.${createHmac("sha256", Buffer.from(SECRET)).update(input).digest("base64url")}`;

describe("jwt-denylist: a jti denylist checked per request", () => {
  it("sign-out denies the token: a copy taken before is refused at once", async () => {
    const { strategy } = setup();
    const token = await signIn(strategy);
    const copy = token;
    expect((await strategy.validate(bearer(copy))).session).not.toBeNull();
    await strategy.signOut(bearer(token));
    expect((await strategy.validate(bearer(copy))).session).toBeNull();
  });

  it("keys on issuer + jti, not the bytes: a re-encoded token of the same jti stays revoked", async () => {
    const { strategy } = setup();
    const token = await signIn(strategy);
    await strategy.signOut(bearer(token));
    const [h, p] = token.split(".") as [string, string];
    const header = decode(h);
    const payload = decode(p);
    // Same claims, different bytes: reordered keys and whitespace, correctly signed with the server's key.
    const reordered = sign(
      `${enc(JSON.stringify({ typ: header.typ, alg: header.alg }))}.${enc(JSON.stringify(Object.fromEntries(Object.entries(payload).reverse()), null, 1))}`,
    );
    expect(reordered).not.toBe(token);
    const control = sign(
      `${enc(JSON.stringify({ typ: JWT_TYPE, alg: "HS256" }))}.${enc(JSON.stringify({ ...payload, jti: "a-fresh-jti" }))}`,
    );
    expect((await strategy.validate(bearer(control))).session).not.toBeNull(); // the hand signing is right
    expect((await strategy.validate(bearer(reordered))).session).toBeNull();
  });

  it("a re-issued token keeps the jti: signing out with either copy ends both", async () => {
    const { strategy } = setup();
    const token = await signIn(strategy);
    const current = await strategy.validate(bearer(token));
    if (!current.session) throw new Error("no session");
    const { token: renamed } = await strategy.reissue(bearer(token), { session: current.session, user: { ...alice, name: "Alicia" } });
    expect(decode(renamed!.split(".")[1]!).jti).toBe(decode(token.split(".")[1]!).jti);
    await strategy.signOut(bearer(renamed!));
    expect((await strategy.validate(bearer(token))).session).toBeNull();
    expect((await strategy.validate(bearer(renamed!))).session).toBeNull();
  });

  it("cannot end tokens it never saw: another device's token stays valid, and revoking all is unsupported", async () => {
    const { strategy } = setup();
    const here = await signIn(strategy);
    const there = await signIn(strategy);
    await strategy.signOut(bearer(here));
    expect((await strategy.validate(bearer(there))).session).not.toBeNull();
    for (const name of ["revokeAllSessions", "revokeSession", "listSessions", "refresh"] as const) {
      const cap = strategy.capabilities[name];
      expect(cap.supported).toBe(false);
      if (!cap.supported) expect(cap.reason).toBe(VARIANTS["jwt-denylist"].capabilities[name]);
    }
  });

  it("the entry lives until the token would be refused anyway (exp + tolerance), then is purged", async () => {
    const { strategy, stores, clock } = setup(60);
    const token = await signIn(strategy);
    const { jti, exp } = decode(token.split(".")[1]!) as { jti: string; exp: number };
    await strategy.signOut(bearer(token));
    const row = await getDb().deniedToken.findUnique({ where: { issuer_jti: { issuer: "session-lab", jti } } });
    expect(row?.expiresAt.getTime()).toBe((exp + JWT_CLOCK_TOLERANCE_SECONDS) * 1000);
    // Just before: the verifier would still accept the token, so the entry must still be there.
    clock.set((exp + JWT_CLOCK_TOLERANCE_SECONDS) * 1000 - 1);
    await stores.denylist.purgeExpired(new Date(clock.now()));
    expect(await stores.denylist.has("session-lab", jti)).toBe(true);
    expect((await strategy.validate(bearer(token))).session).toBeNull();
    clock.set((exp + JWT_CLOCK_TOLERANCE_SECONDS) * 1000);
    expect(await stores.denylist.purgeExpired(new Date(clock.now()))).toBeGreaterThanOrEqual(1);
    expect(await stores.denylist.has("session-lab", jti)).toBe(false);
    expect((await strategy.validate(bearer(token))).session).toBeNull(); // expired by then
  });

  it("adds nothing for garbage, tampered or foreign tokens, and signing out twice is harmless", async () => {
    const { strategy, plain } = setup();
    const before = await getDb().deniedToken.count();
    const foreign = await signIn(plain);
    for (const header of ["Bearer garbage.x.y", "Bearer a.b.c", `Bearer ${foreign}`, "Basic abc"]) {
      await strategy.signOut(memoryContext({ authorization: header }));
    }
    expect(await getDb().deniedToken.count()).toBe(before);
    const token = await signIn(strategy);
    await strategy.signOut(bearer(token));
    await strategy.signOut(bearer(token));
    expect(await getDb().deniedToken.count()).toBe(before + 1);
  });

  it("tokens never cross variants: the audience differs, so a denied token cannot be replayed at plain jwt", async () => {
    const { strategy, plain } = setup();
    const denylisted = await signIn(strategy);
    const plainToken = await signIn(plain);
    expect((await plain.validate(bearer(denylisted))).session).toBeNull();
    expect((await strategy.validate(bearer(plainToken))).session).toBeNull();
  });

  it("costs one store lookup per check, counted at the driver adapter", async () => {
    const { strategy, plain } = setup();
    const token = await signIn(strategy);
    const checked = await measure(() => strategy.validate(bearer(token)));
    expect(checked.result.session).not.toBeNull();
    expect(checked.timing.db.count).toBe(VARIANTS["jwt-denylist"].lookupsPerCheck);
    const plainCheck = await measure(async () => plain.validate(bearer(await signIn(plain))));
    expect(plainCheck.timing.db.count).toBe(0);
  });
});
