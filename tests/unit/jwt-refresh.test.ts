import { base64url } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { TTL_PROFILES, type RefreshTtl } from "@/lib/catalog/lifetimes";
import { VARIANTS } from "@/lib/catalog/variants";
import { verifyCredentials, type CredentialCheck } from "@/lib/server/auth/credentials";
import { getDb } from "@/lib/server/db/client";
import { getSessionState, updateUser } from "@/lib/server/data/users";
import { memoryContext, type CredentialContext } from "@/lib/server/http/credential-context";
import { databaseStores } from "@/lib/server/stores/database";
import { createJwtStrategy, JWT_CLOCK_TOLERANCE_SECONDS } from "@/lib/server/strategies/jwt";
import { sha256Hex } from "@/lib/server/strategies/refresh-tokens";
import type { RefreshResult, SessionStrategy } from "@/lib/server/strategies/types";
import { measure } from "@/lib/server/timing";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { fakeClock } from "../support/fake-clock";

const SECRET = "r".repeat(8) + "0123456789abcdefghijklmnopqrstuvwxyz";
const PATH = "/api/jwt-refresh/refresh";
const COOKIE = "lab-jwt-refresh";
const LIFETIMES: RefreshTtl = { access: 60, idle: 600, absolute: 3600, grace: 10 };

/** The real check's result without scrypt (the race test uses the real one): the user's current version. */
async function fastVerify(): Promise<CredentialCheck> {
  const state = await getSessionState(user.id);
  return state
    ? { ok: true, user: { id: user.id, name: state.name, role: state.role }, sessionVersion: state.sessionVersion }
    : { ok: false, reason: "invalid" };
}

function setup(lifetimes: RefreshTtl = LIFETIMES, clock = fakeClock(Date.now())) {
  const stores = databaseStores(clock);
  const strategy = createJwtStrategy({
    id: "jwt-refresh",
    clock,
    ttlSeconds: 900,
    secret: SECRET,
    verifyCredentials: fastVerify,
    refresh: { families: stores.refreshFamilies, versions: stores.sessionVersions, lifetimes, cookiePath: PATH },
  });
  return { clock, stores, strategy };
}

let user: { id: string; email: string };
beforeEach(async () => {
  user = await newUser("Rita", "admin");
});

/** A device: its access token (as page JS holds it) and its cookie jar (as the browser holds the refresh cookie). */
async function signIn(strategy: SessionStrategy) {
  const jar = memoryContext({ userAgent: "device" });
  const result = await strategy.signIn({ email: user.email, password: TEST_PASSWORD }, jar);
  if (!result.ok || !result.token) throw new Error("sign-in failed");
  return { jar, token: result.token };
}

const withCookie = (value: string | undefined): CredentialContext & { jar: Map<string, string> } =>
  memoryContext({ cookies: value === undefined ? {} : { [COOKIE]: value } });
const bearer = (token: string) => memoryContext({ authorization: `Bearer ${token}` });

async function refresh(strategy: SessionStrategy, ctx: CredentialContext): Promise<RefreshResult> {
  const cap = strategy.capabilities.refresh;
  if (!cap.supported) throw new Error("refresh unsupported");
  return cap.run(ctx);
}

const families = (userId: string) => getDb().refreshFamily.findMany({ where: { userId } });
const payload = (token: string) => JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[1]!))) as Record<string, unknown>;

describe("jwt-refresh: short access token + rotating refresh token", () => {
  it("signs in with a 60 s access token naming its family, and a path-scoped HttpOnly refresh cookie", async () => {
    const { strategy } = setup();
    const { jar, token } = await signIn(strategy);
    const claims = payload(token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
    expect(claims.aud).toBe("session-lab:api:jwt-refresh");
    const cookie = jar.writes.find((w) => w.name === COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "strict", path: PATH });
    expect(cookie.maxAge).toBe(600);
    const rows = await families(user.id);
    expect(rows).toHaveLength(1);
    // Only the hash is stored, and the access token names the family (the public id, not the credential).
    expect(rows[0]!.tokenHash).toBe(sha256Hex(cookie.value));
    expect(JSON.stringify(rows[0])).not.toContain(cookie.value);
    expect(claims.sid).toBe(rows[0]!.id);
    const { session } = await strategy.validate(bearer(token));
    expect(session).toMatchObject({ strategy: "jwt-refresh", id: rows[0]!.id });
  });

  it("over https the refresh cookie is Secure with the __Secure- prefix (a path-scoped cookie cannot be __Host-)", async () => {
    const { strategy } = setup();
    const ctx = memoryContext({ secure: true });
    expect((await strategy.signIn({ email: user.email, password: TEST_PASSWORD }, ctx)).ok).toBe(true);
    expect(ctx.writes.find((w) => w.name === `__Secure-${COOKIE}`)).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: "strict",
      path: PATH,
    });
    const next = memoryContext({ secure: true, cookies: { [`__Secure-${COOKIE}`]: ctx.jar.get(`__Secure-${COOKIE}`)! } });
    expect((await refresh(strategy, next)).ok).toBe(true);
  });

  it("checks nothing per request: the access token alone is verified, with no store lookup", async () => {
    const { strategy } = setup();
    const { token } = await signIn(strategy);
    const { result, timing } = await measure(() => strategy.validate(bearer(token)));
    expect(result.session).not.toBeNull();
    expect(timing.db.count).toBe(VARIANTS["jwt-refresh"].lookupsPerCheck);
  });

  it("rotates: each refresh token is single use and its successor carries on", async () => {
    const { strategy, clock } = setup();
    const { jar } = await signIn(strategy);
    const first = jar.jar.get(COOKIE)!;
    clock.advance(30);
    const ctx = withCookie(first);
    const r1 = await refresh(strategy, ctx);
    expect(r1.ok).toBe(true);
    const second = ctx.jar.get(COOKIE)!;
    expect(second).not.toBe(first);
    const [row] = await families(user.id);
    expect(row).toMatchObject({ generation: 1, tokenHash: sha256Hex(second) });
    clock.advance(30);
    const r2 = await refresh(strategy, withCookie(second));
    expect(r2.ok).toBe(true);
    if (r2.ok) expect((await strategy.validate(bearer(r2.token))).user).toMatchObject({ id: user.id, name: "Rita" });
  });

  it("two tabs refreshing the same token at once both stay signed in, with ONE successor", async () => {
    const { strategy } = setup();
    const { jar } = await signIn(strategy);
    const token = jar.jar.get(COOKIE)!;
    const tabs = [withCookie(token), withCookie(token), withCookie(token), withCookie(token)];
    const results = await Promise.all(tabs.map((tab) => refresh(strategy, tab)));
    expect(results.every((r) => r.ok)).toBe(true);
    const successors = new Set(tabs.map((tab) => tab.jar.get(COOKIE)));
    expect(successors.size).toBe(1);
    const [row] = await families(user.id);
    expect(row!.generation).toBe(1); // rotated once, not four times
    // The shared successor works afterwards, as the next live token.
    expect((await refresh(strategy, withCookie([...successors][0]))).ok).toBe(true);
  });

  it("a second use of the just-spent token within the grace window gets the same successor; after it, reuse ends the family", async () => {
    const { strategy, clock } = setup();
    const { jar } = await signIn(strategy);
    const spent = jar.jar.get(COOKIE)!;
    const a = withCookie(spent);
    expect((await refresh(strategy, a)).ok).toBe(true);
    clock.advance(LIFETIMES.grace - 1);
    const b = withCookie(spent);
    expect((await refresh(strategy, b)).ok).toBe(true);
    expect(b.jar.get(COOKIE)).toBe(a.jar.get(COOKIE));
    clock.advance(2); // past the grace window
    const thief = withCookie(spent);
    expect(await refresh(strategy, thief)).toEqual({ ok: false, reason: "reused" });
    expect(thief.jar.has(COOKIE)).toBe(false); // cleared
    expect(await families(user.id)).toHaveLength(0);
    // The victim's live successor is dead too: the whole family ended.
    expect(await refresh(strategy, withCookie(a.jar.get(COOKIE)))).toEqual({ ok: false, reason: "revoked" });
  });

  it("a token two generations old is reuse even inside the grace window", async () => {
    const { strategy } = setup();
    const { jar } = await signIn(strategy);
    const g0 = jar.jar.get(COOKIE)!;
    const c1 = withCookie(g0);
    await refresh(strategy, c1);
    const c2 = withCookie(c1.jar.get(COOKIE));
    await refresh(strategy, c2);
    expect(await refresh(strategy, withCookie(g0))).toEqual({ ok: false, reason: "reused" });
    expect(await refresh(strategy, withCookie(c2.jar.get(COOKIE)))).toEqual({ ok: false, reason: "revoked" });
  });

  it("refuses forged, tampered and foreign tokens without touching the family", async () => {
    const { strategy } = setup();
    const { jar } = await signIn(strategy);
    const live = jar.jar.get(COOKIE)!;
    const [, familyId, generation, mac] = live.split(".");
    const forgeries = [
      `rt1.${familyId}.${Number(generation) + 1}.${mac}`, // next generation, old MAC
      `rt1.${familyId}.${generation}.${"A".repeat(43)}`,
      `rt1.${"B".repeat(22)}.0.${mac}`,
      live.slice(0, -1) + (live.endsWith("A") ? "B" : "A"),
      "garbage",
      "",
      `rt1.${familyId}.-1.${mac}`,
      `rt1.${familyId}.00.${mac}`,
      "x".repeat(5000),
    ];
    for (const forged of forgeries) expect((await refresh(strategy, withCookie(forged))).ok).toBe(false);
    expect(await refresh(strategy, withCookie(undefined))).toEqual({ ok: false, reason: "missing" });
    // Another server (another key) cannot mint tokens for this one.
    const { stores } = setup();
    const other = createJwtStrategy({
      id: "jwt-refresh",
      clock: fakeClock(Date.now()),
      ttlSeconds: 900,
      secret: "Q".repeat(8) + "0123456789abcdefghijklmnopqrstuvwxyz",
      verifyCredentials: fastVerify,
      refresh: { families: stores.refreshFamilies, versions: stores.sessionVersions, lifetimes: LIFETIMES, cookiePath: PATH },
    });
    expect((await refresh(other, withCookie(live))).ok).toBe(false);
    const [row] = await families(user.id);
    expect(row!.generation).toBe(0);
    expect((await refresh(strategy, withCookie(live))).ok).toBe(true); // still the live token
  });

  it("sign-out ends the family through the access token's sid, even once the access token has expired", async () => {
    const { strategy, clock } = setup();
    const device = await signIn(strategy);
    const other = await signIn(strategy);
    clock.advance(LIFETIMES.access + JWT_CLOCK_TOLERANCE_SECONDS + 1);
    expect((await strategy.validate(bearer(device.token))).session).toBeNull();
    const out = bearer(device.token);
    await strategy.signOut(out);
    expect(out.writes.find((w) => w.name === COOKIE)).toMatchObject({ maxAge: 0, path: PATH });
    expect(await refresh(strategy, withCookie(device.jar.jar.get(COOKIE)))).toEqual({ ok: false, reason: "revoked" });
    expect((await refresh(strategy, withCookie(other.jar.jar.get(COOKIE)))).ok).toBe(true); // the other device carries on
  });

  it("signing in again from the same browser replaces its family instead of leaving it behind", async () => {
    const { strategy } = setup();
    const first = await signIn(strategy);
    const again = memoryContext({ authorization: `Bearer ${first.token}` });
    expect((await strategy.signIn({ email: user.email, password: TEST_PASSWORD }, again)).ok).toBe(true);
    const rows = await families(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toBe(payload(first.token).sid);
  });

  it("a copied access token keeps working after sign-out until its short expiry (what the catalog says)", async () => {
    const { strategy, clock } = setup();
    const { token } = await signIn(strategy);
    await strategy.signOut(bearer(token));
    expect((await strategy.validate(bearer(token))).session).not.toBeNull();
    clock.advance(LIFETIMES.access + JWT_CLOCK_TOLERANCE_SECONDS + 1);
    expect((await strategy.validate(bearer(token))).session).toBeNull();
    expect(VARIANTS["jwt-refresh"].expected["sign-out"].window).toBe("access-token");
  });

  it("a version bump, disabling or deleting the user ends the family at the next refresh", async () => {
    const { strategy, stores } = setup();
    const a = await signIn(strategy);
    await stores.sessionVersions.bump(user.id);
    expect(await refresh(strategy, withCookie(a.jar.jar.get(COOKIE)))).toEqual({ ok: false, reason: "revoked" });

    const b = await signIn(strategy);
    await updateUser(user.id, { disabled: true });
    expect(await refresh(strategy, withCookie(b.jar.jar.get(COOKIE)))).toEqual({ ok: false, reason: "revoked" });
    await updateUser(user.id, { disabled: false });

    const c = await signIn(strategy);
    await getDb().user.delete({ where: { id: user.id } });
    expect((await refresh(strategy, withCookie(c.jar.jar.get(COOKIE)))).ok).toBe(false);
  });

  it("a sign-in whose password check raced a bump never yields a live family", async () => {
    const { strategy, stores } = setup();
    // The version is read with the password hash; bump between that read and the family's creation.
    const check = await verifyCredentials({ email: user.email, password: TEST_PASSWORD });
    await stores.sessionVersions.bump(user.id);
    const racing = createJwtStrategy({
      id: "jwt-refresh",
      clock: fakeClock(Date.now()),
      ttlSeconds: 900,
      secret: SECRET,
      verifyCredentials: async () => check,
      refresh: { families: stores.refreshFamilies, versions: stores.sessionVersions, lifetimes: LIFETIMES, cookiePath: PATH },
    });
    const jar = memoryContext();
    expect((await racing.signIn({ email: user.email, password: TEST_PASSWORD }, jar)).ok).toBe(true);
    expect(await refresh(strategy, withCookie(jar.jar.get(COOKIE)))).toEqual({ ok: false, reason: "revoked" });
  });

  it("revoke all keeps the asking device (password change) and ends the others; revoke one ends just that family", async () => {
    const { strategy } = setup();
    const here = await signIn(strategy);
    const there = await signIn(strategy);
    const third = await signIn(strategy);
    const caps = strategy.capabilities;
    if (!caps.revokeAllSessions.supported || !caps.revokeSession.supported || !caps.listSessions.supported) throw new Error("caps");
    const hereId = payload(here.token).sid as string;
    const thirdId = payload(third.token).sid as string;
    const listed = await caps.listSessions.run(user.id, hereId);
    expect(listed).toHaveLength(3);
    expect(listed.filter((d) => d.current).map((d) => d.id)).toEqual([hereId]);

    expect(await caps.revokeSession.run("someone-else", thirdId)).toBe(false);
    expect(await caps.revokeSession.run(user.id, thirdId)).toBe(true);
    expect((await refresh(strategy, withCookie(third.jar.jar.get(COOKIE)))).ok).toBe(false);

    await updateUser(user.id, { passwordHash: "changed" }); // the password route bumps first…
    expect(await caps.revokeAllSessions.run(user.id, hereId)).toBe(1); // …then ends every other family
    expect((await refresh(strategy, withCookie(here.jar.jar.get(COOKIE)))).ok).toBe(true);
    expect((await refresh(strategy, withCookie(there.jar.jar.get(COOKIE)))).ok).toBe(false);
  });

  it("a refresh re-reads name and role, so stale claims last at most one access-token lifetime", async () => {
    const { strategy } = setup();
    const { jar, token } = await signIn(strategy);
    await updateUser(user.id, { name: "Rita Member", role: "member" });
    expect((await strategy.validate(bearer(token))).user).toMatchObject({ name: "Rita", role: "admin" }); // stale until refresh
    const r = await refresh(strategy, withCookie(jar.jar.get(COOKIE)));
    if (!r.ok) throw new Error("refresh failed");
    expect(r.user).toMatchObject({ name: "Rita Member", role: "member" });
    expect(payload(r.token)).toMatchObject({ name: "Rita Member", role: "member" });
  });

  it("idle expiry, and an absolute lifetime however active the family is", async () => {
    const lifetimes = { access: 60, idle: 100, absolute: 250, grace: 5 };
    const { strategy, clock } = setup(lifetimes);
    const idle = await signIn(strategy);
    clock.advance(101);
    expect(await refresh(strategy, withCookie(idle.jar.jar.get(COOKIE)))).toEqual({ ok: false, reason: "expired" });

    const { jar } = await signIn(strategy);
    let cookie = jar.jar.get(COOKIE);
    let last: RefreshResult | null = null;
    for (let t = 0; t < 5; t++) {
      clock.advance(60);
      const ctx = withCookie(cookie);
      last = await refresh(strategy, ctx);
      if (!last.ok) break;
      cookie = ctx.jar.get(COOKIE);
      // Neither the access token nor the cookie outlives the family.
      const family = (await families(user.id)).find((f) => f.generation > 0)!;
      expect(last.expiresAt.getTime()).toBeLessThanOrEqual(family.absoluteExpiresAt.getTime());
      expect(family.expiresAt.getTime()).toBeLessThanOrEqual(family.absoluteExpiresAt.getTime());
    }
    expect(last).toEqual({ ok: false, reason: "expired" }); // at 300 s > 250 s
  });

  it("a family started under the matrix profile keeps its short lifetimes when refreshed by a longer-lived instance", async () => {
    const clock = fakeClock(Date.now());
    const matrix = setup(TTL_PROFILES.matrix.refresh, clock).strategy;
    const production = setup(TTL_PROFILES.production.refresh, clock).strategy;
    const { jar } = await signIn(matrix);
    const r = await refresh(production, withCookie(jar.jar.get(COOKIE)));
    if (!r.ok) throw new Error("refresh failed");
    expect(r.expiresAt.getTime() / 1000).toBe(Math.floor(clock.now() / 1000) + TTL_PROFILES.matrix.refresh.access); // whole seconds
    const [row] = await families(user.id);
    expect(row!.expiresAt.getTime() - clock.now()).toBe(TTL_PROFILES.matrix.refresh.idle * 1000);
  });

  it("keeps at most 20 families per user, ending the oldest", async () => {
    const { strategy, clock } = setup();
    for (let i = 0; i < 22; i++) {
      await signIn(strategy);
      clock.advance(1);
    }
    expect(await families(user.id)).toHaveLength(20);
  });
});
