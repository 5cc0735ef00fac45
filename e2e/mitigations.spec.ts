import { readFileSync } from "node:fs";
import type { APIRequestContext, APIResponse, Page } from "@playwright/test";
import ts from "typescript";
import { ERROR_STATUS, type ErrorCode } from "../lib/api-errors";
import { CLOCK_TOLERANCE_SECONDS, MATRIX_PROFILE_HEADER, TTL_PROFILES } from "../lib/catalog/lifetimes";
import { parseServerTiming } from "../lib/catalog/server-timing";
import { VARIANT_IDS, VARIANTS, type VariantId } from "../lib/catalog/variants";
import { DEMO_PASSWORD, expect, test } from "./fixtures";

// What only the mitigation variants do, over real HTTP: the denylist, the
// version checks, the re-read, and jwt-refresh's rotation, reuse detection,
// grace window and multi-tab coordination; the matrix TTL profile; the
// Server-Timing header; hostile input on the refresh endpoint.

const REFRESH = "/api/jwt-refresh/refresh";
const MATRIX = { [MATRIX_PROFILE_HEADER]: "matrix" };

type Playwright = { request: { newContext: (o: object) => Promise<APIRequestContext> } };
type Device = { api: APIRequestContext; headers: Record<string, string>; token?: string; refreshCookie?: string };

function setCookies(res: APIResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of res.headersArray()) {
    if (h.name.toLowerCase() !== "set-cookie") continue;
    const [pair] = h.value.split(";");
    const eq = pair!.indexOf("=");
    out[pair!.slice(0, eq).trim()] = pair!.slice(eq + 1);
  }
  return out;
}

async function signIn(
  playwright: Playwright,
  baseURL: string,
  variant: VariantId,
  email = "bob@example.com",
  extra: Record<string, string> = {},
): Promise<Device> {
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: new URL(baseURL).origin, ...extra } });
  const res = await api.post(`/api/${variant}/login`, { data: { email, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  return {
    api,
    token: body.token,
    headers: body.token ? { Authorization: `Bearer ${body.token}` } : {},
    refreshCookie: setCookies(res)["lab-jwt-refresh"],
  };
}

/** A client with no cookie jar of its own: exactly the credential it is given, nothing else. */
async function bare(playwright: Playwright, baseURL: string, extra: Record<string, string> = {}) {
  return playwright.request.newContext({ baseURL, extraHTTPHeaders: extra });
}

async function userId(admin: Device, variant: VariantId, email: string): Promise<string> {
  const { users } = await (await admin.api.get(`/api/${variant}/admin/users`, { headers: admin.headers })).json();
  return users.find((u: { email: string }) => u.email === email).id;
}

async function expectJsonError(res: APIResponse, status: number, code: ErrorCode) {
  expect(res.status()).toBe(status);
  expect(res.headers()["content-type"]).toContain("application/json");
  const body = await res.json();
  expect(typeof body.error).toBe("string");
  expect(body.code).toBe(code);
  expect(ERROR_STATUS[code]).toBe(status);
  return body;
}

test.describe("mitigations over HTTP", () => {
  test("jwt-denylist: a signed-out token is refused at once, at the price of one lookup; other devices are untouched", async ({
    playwright,
    baseURL,
  }) => {
    const here = await signIn(playwright, baseURL!, "jwt-denylist");
    const there = await signIn(playwright, baseURL!, "jwt-denylist");
    const thief = await bare(playwright, baseURL!);
    expect((await thief.get("/api/jwt-denylist/me", { headers: here.headers })).status()).toBe(200);
    expect((await here.api.post("/api/jwt-denylist/logout", { headers: here.headers })).status()).toBe(200);
    const replay = await thief.get("/api/jwt-denylist/check", { headers: here.headers });
    await expectJsonError(replay, 401, "not_signed_in");
    expect(parseServerTiming(replay.headers()["server-timing"])?.db.count).toBe(1); // the refusal cost a lookup too
    expect((await thief.get("/api/jwt-denylist/me", { headers: there.headers })).status()).toBe(200);
    // And the plain jwt endpoint does not take the denied token either (its own audience).
    await expectJsonError(await thief.get("/api/jwt/me", { headers: here.headers }), 401, "not_signed_in");
    for (const d of [here, there]) await d.api.dispose();
    await thief.dispose();
  });

  test("cookie-version and nextauth-refresh: revoke all and disabling end every device on the next request", async ({
    playwright,
    baseURL,
  }) => {
    const alice = await signIn(playwright, baseURL!, "cookie-version", "alice@example.com");
    const bobId = await userId(alice, "cookie-version", "bob@example.com");
    for (const variant of ["cookie-version", "nextauth-refresh"] as const) {
      const a = await signIn(playwright, baseURL!, variant);
      const b = await signIn(playwright, baseURL!, variant);
      expect((await b.api.get(`/api/${variant}/me`)).status()).toBe(200);
      const everywhere = await a.api.post(`/api/${variant}/logout-all`);
      expect(await everywhere.json()).toEqual({ ok: true, sessionsEnded: null });
      await expectJsonError(await b.api.get(`/api/${variant}/me`), 401, "not_signed_in");

      const c = await signIn(playwright, baseURL!, variant);
      try {
        expect((await alice.api.post(`/api/cookie-version/admin/users/${bobId}/disable`, { data: { disabled: true } })).status()).toBe(200);
        await expectJsonError(await c.api.get(`/api/${variant}/me`), 401, "not_signed_in");
      } finally {
        expect((await alice.api.post(`/api/cookie-version/admin/users/${bobId}/disable`, { data: { disabled: false } })).status()).toBe(
          200,
        );
      }
      await expectJsonError(await c.api.get(`/api/${variant}/me`), 401, "not_signed_in"); // re-enabling revives nothing
      for (const d of [a, b, c]) await d.api.dispose();
    }
    await alice.api.dispose();
  });

  test("role demotion: nextauth-refresh sees it on the next request, cookie-version does not (stale by design)", async ({
    playwright,
    baseURL,
  }) => {
    const alice = await signIn(playwright, baseURL!, "nextauth-refresh", "alice@example.com");
    const bobId = await userId(alice, "nextauth-refresh", "bob@example.com");
    const setRole = (role: string) => alice.api.post(`/api/nextauth-refresh/admin/users/${bobId}/role`, { data: { role } });
    expect((await setRole("admin")).status()).toBe(200);
    try {
      const reread = await signIn(playwright, baseURL!, "nextauth-refresh");
      const versioned = await signIn(playwright, baseURL!, "cookie-version");
      expect((await reread.api.get("/api/nextauth-refresh/admin/users")).status()).toBe(200);
      expect((await setRole("member")).status()).toBe(200);
      await expectJsonError(await reread.api.get("/api/nextauth-refresh/admin/users"), 403, "forbidden");
      expect(VARIANTS["nextauth-refresh"].expected["role-demotion"].window).toBe("none");
      expect((await versioned.api.get("/api/cookie-version/admin/users")).status()).toBe(200);
      expect(VARIANTS["cookie-version"].expected["role-demotion"].window).toBe("credential");
      await reread.api.dispose();
      await versioned.api.dispose();
    } finally {
      expect((await setRole("member")).status()).toBe(200);
      await alice.api.dispose();
    }
  });
});

test.describe("jwt-refresh over HTTP", () => {
  test("the refresh cookie is HttpOnly, SameSite=Strict and sent to the refresh endpoint only", async ({ playwright, baseURL }) => {
    const api = await playwright.request.newContext({ baseURL });
    const res = await api.post("/api/jwt-refresh/login", { data: { email: "bob@example.com", password: DEMO_PASSWORD } });
    const cookie = res.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("lab-jwt-refresh="))!;
    expect(cookie.value).toMatch(/; Path=\/api\/jwt-refresh\/refresh/);
    expect(cookie.value).toMatch(/; HttpOnly/i);
    expect(cookie.value).toMatch(/; SameSite=Strict/i);
    const { token } = await res.json();
    const me = await (await api.get("/api/jwt-refresh/me", { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(me.session.credentialBytes).toBe(`Authorization: Bearer ${token}`.length);
    await api.dispose();
  });

  test("rotation, one successor for parallel refreshes, and reuse after the grace window ends the family", async ({
    playwright,
    baseURL,
  }) => {
    const client = await bare(playwright, baseURL!, MATRIX);
    const device = await signIn(playwright, baseURL!, "jwt-refresh", "bob@example.com", MATRIX);
    const refreshWith = (cookie: string) => client.post(REFRESH, { headers: { Cookie: `lab-jwt-refresh=${cookie}` } });

    const first = await refreshWith(device.refreshCookie!);
    expect(first.status()).toBe(200);
    const body = await first.json();
    expect(body).toMatchObject({ user: { name: expect.any(String), role: "member" }, token: expect.any(String) });
    const second = setCookies(first)["lab-jwt-refresh"]!;
    expect(second).not.toBe(device.refreshCookie);
    const timing = parseServerTiming(first.headers()["server-timing"], "refresh");
    expect(timing?.db.count).toBeGreaterThanOrEqual(2); // the lookups the mitigation brings back, at refresh time

    // Two tabs at once with the same token: both succeed, with the same successor.
    const [a, b] = await Promise.all([refreshWith(second), refreshWith(second)]);
    expect([a.status(), b.status()]).toEqual([200, 200]);
    const third = setCookies(a)["lab-jwt-refresh"]!;
    expect(setCookies(b)["lab-jwt-refresh"]).toBe(third);

    // After the grace window, the spent token is reuse: the family ends, the live token too.
    await new Promise((r) => setTimeout(r, (TTL_PROFILES.matrix.refresh.grace + 0.5) * 1000));
    const reuse = await expectJsonError(await refreshWith(second), 401, "refresh_reused");
    expect(reuse).toMatchObject({ code: "refresh_reused", reason: "reused" });
    expect(await expectJsonError(await refreshWith(third), 401, "not_signed_in")).toMatchObject({
      code: "not_signed_in",
      reason: "revoked",
    });
    await device.api.dispose();
    await client.dispose();
  });

  test("a matrix-profile access token really expires (exp + tolerance) and a refresh renews it", async ({ playwright, baseURL }) => {
    const device = await signIn(playwright, baseURL!, "jwt-refresh", "bob@example.com", MATRIX);
    const started = Date.now();
    const lifetime = TTL_PROFILES.matrix.refresh.access + CLOCK_TOLERANCE_SECONDS.jwt;
    let rejectedAfter = 0;
    while (Date.now() - started < (lifetime + 5) * 1000) {
      if ((await device.api.get("/api/jwt-refresh/check", { headers: device.headers })).status() === 401) {
        rejectedAfter = (Date.now() - started) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(rejectedAfter).toBeGreaterThan(TTL_PROFILES.matrix.refresh.access - 1);
    expect(rejectedAfter).toBeLessThan(lifetime + 2);
    const renewed = await device.api.post(REFRESH);
    expect(renewed.status()).toBe(200);
    const { token } = await renewed.json();
    expect((await device.api.get("/api/jwt-refresh/check", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(200);
    await device.api.dispose();
  });

  test("hostile input on the refresh endpoint is a clear 4xx, never a 500, and never spends the live token", async ({
    playwright,
    baseURL,
  }) => {
    const device = await signIn(playwright, baseURL!, "jwt-refresh");
    const client = await bare(playwright, baseURL!);
    const live = device.refreshCookie!;
    const [, family] = live.split(".");
    const cookies = [
      "garbage",
      "",
      "rt1",
      `rt1.${family}.0`,
      `rt1.${family}.1.${"A".repeat(43)}`,
      `rt1.${family}.99999999999.${"A".repeat(43)}`,
      `rt1.${family}.-1.${"A".repeat(43)}`,
      live.toUpperCase(),
      `${live}x`,
      encodeURIComponent('{"token":1}'),
      "%00%0d%0a",
      "x".repeat(4000),
      device.token!, // an access token is not a refresh token
    ];
    for (const value of cookies) {
      const res = await client.post(REFRESH, { headers: { Cookie: `lab-jwt-refresh=${value}` } });
      expect(await expectJsonError(res, 401, "not_signed_in"), value.slice(0, 40)).toMatchObject({ code: "not_signed_in" });
    }
    const odd = [
      client.post(REFRESH), // no cookie
      client.post(REFRESH, { headers: { Authorization: `Bearer ${live}` } }), // the refresh token is only read from its cookie
      client.post(REFRESH, { data: { refreshToken: live } }),
      client.post(REFRESH, { data: '{"refreshToken":', headers: { "content-type": "application/json" } }),
      client.post(REFRESH, { data: "x".repeat(20_000), headers: { "content-type": "text/plain" } }),
      client.post(`${REFRESH}?refresh_token=${live}`),
    ];
    for (const res of await Promise.all(odd)) await expectJsonError(res, 401, "not_signed_in");
    // Cross-origin: refused before anything is read (the refresh token is a cookie credential).
    const crossOrigin: Record<string, string>[] = [{ Origin: "http://evil.test" }, { "Sec-Fetch-Site": "cross-site" }, { Origin: "null" }];
    for (const headers of crossOrigin) {
      await expectJsonError(await client.post(REFRESH, { headers: { ...headers, Cookie: `lab-jwt-refresh=${live}` } }), 403, "csrf");
    }
    for (const method of ["GET", "PUT", "DELETE", "OPTIONS"])
      await expectJsonError(await client.fetch(REFRESH, { method }), 405, "method_not_allowed");
    await expectJsonError(await client.post("/api/jwt-refreshx/refresh"), 404, "not_found");
    await expectJsonError(await client.post(REFRESH, { headers: { [MATRIX_PROFILE_HEADER]: "production" } }), 400, "invalid_profile");
    // None of that spent the live token.
    expect((await client.post(REFRESH, { headers: { Cookie: `lab-jwt-refresh=${live}` } })).status()).toBe(200);
    await device.api.dispose();
    await client.dispose();
  });

  test("authorization: families are per user; sign-out, revoke and admin revoke end them", async ({ playwright, baseURL }) => {
    const alice = await signIn(playwright, baseURL!, "jwt-refresh", "alice@example.com");
    const bob = await signIn(playwright, baseURL!, "jwt-refresh");
    const bob2 = await signIn(playwright, baseURL!, "jwt-refresh");
    const client = await bare(playwright, baseURL!);
    const refreshWith = (cookie: string) => client.post(REFRESH, { headers: { Cookie: `lab-jwt-refresh=${cookie}` } });
    const { sessions } = await (await alice.api.get("/api/jwt-refresh/sessions", { headers: alice.headers })).json();
    const aliceFamily = sessions.find((s: { current: boolean }) => s.current).id;
    // Bob can neither see nor revoke Alice's family, nor use the admin revoke.
    await expectJsonError(await bob.api.delete(`/api/jwt-refresh/sessions/${aliceFamily}`, { headers: bob.headers }), 404, "not_found");
    const bobId = await userId(alice, "jwt-refresh", "bob@example.com");
    await expectJsonError(await bob.api.post(`/api/jwt-refresh/admin/users/${bobId}/revoke`, { headers: bob.headers }), 403, "forbidden");
    expect((await refreshWith(alice.refreshCookie!)).status()).toBe(200);

    // Sign-out ends this family only.
    expect((await bob.api.post("/api/jwt-refresh/logout", { headers: bob.headers })).status()).toBe(200);
    await expectJsonError(await refreshWith(bob.refreshCookie!), 401, "not_signed_in");
    const again = await refreshWith(bob2.refreshCookie!);
    expect(again.status()).toBe(200);

    // The admin's revoke ends the rest.
    const revoked = await alice.api.post(`/api/jwt-refresh/admin/users/${bobId}/revoke`, { headers: alice.headers });
    expect((await revoked.json()).sessionsEnded).toBeGreaterThanOrEqual(1);
    await expectJsonError(await refreshWith(setCookies(again)["lab-jwt-refresh"]!), 401, "not_signed_in");
    for (const d of [alice, bob, bob2]) await d.api.dispose();
    await client.dispose();
  });
});

test.describe("the matrix profile and Server-Timing", () => {
  test("X-Session-Lab-Profile: matrix shortens every variant's lifetime; nothing else is accepted", async ({ playwright, baseURL }) => {
    for (const variant of VARIANT_IDS) {
      const device = await signIn(playwright, baseURL!, variant, "bob@example.com", MATRIX);
      const me = await (await device.api.get(`/api/${variant}/me`, { headers: device.headers })).json();
      const left = (Date.parse(me.session.expiresAt) - Date.now()) / 1000;
      const info = VARIANTS[variant];
      const ttl = variant === "jwt-refresh" ? TTL_PROFILES.matrix.refresh.access : TTL_PROFILES.matrix[info.base].ttl;
      expect(left, variant).toBeLessThanOrEqual(ttl + 1);
      await device.api.dispose();
    }
    const client = await bare(playwright, baseURL!);
    for (const value of ["production", "lab", "", "matrix2", "x".repeat(500)]) {
      const res = await client.post("/api/jwt/login", {
        headers: { [MATRIX_PROFILE_HEADER]: value },
        data: { email: "bob@example.com", password: DEMO_PASSWORD },
      });
      expect((await expectJsonError(res, 400, "invalid_profile")).code).toBe("invalid_profile");
    }
    await client.dispose();
  });

  test("an Auth.js token issued under the matrix profile is refused without it (it would slide to 30 days)", async ({
    playwright,
    baseURL,
  }) => {
    const device = await signIn(playwright, baseURL!, "nextauth", "bob@example.com", MATRIX);
    const state = await device.api.storageState();
    const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const withHeader = await bare(playwright, baseURL!, MATRIX);
    const without = await bare(playwright, baseURL!);
    expect((await withHeader.get("/api/nextauth/me", { headers: { Cookie: cookie } })).status()).toBe(200);
    await expectJsonError(await without.get("/api/nextauth/me", { headers: { Cookie: cookie } }), 401, "not_signed_in");
    for (const c of [device.api, withHeader, without]) await c.dispose();
  });

  test("public endpoints report no session check; checked ones do, with the catalog's lookup count", async ({ playwright, baseURL }) => {
    const client = await bare(playwright, baseURL!);
    const login = await client.post("/api/jwt/login", { data: { email: "bob@example.com", password: DEMO_PASSWORD } });
    expect(parseServerTiming(login.headers()["server-timing"])).toBeNull();
    const anonymous = await client.get("/api/stateful/check");
    expect(anonymous.status()).toBe(401);
    expect(parseServerTiming(anonymous.headers()["server-timing"])?.db.count).toBe(0); // no cookie: no query
    for (const variant of VARIANT_IDS) {
      const device = await signIn(playwright, baseURL!, variant);
      const check = await device.api.get(`/api/${variant}/check`, { headers: device.headers });
      const timing = parseServerTiming(check.headers()["server-timing"]);
      expect(timing, variant).not.toBeNull();
      expect(timing!.db.count, variant).toBe(VARIANTS[variant].lookupsPerCheck);
      expect(timing!.redis.count).toBe(0);
      await device.api.dispose();
    }
    await client.dispose();
  });
});

test.describe("jwt-refresh in the browser", () => {
  // The browser client's refresh code, exactly as shipped, loaded into a page of the app.
  const clientModule = ts.transpileModule(readFileSync("lib/client/bearer-tokens.ts", "utf8"), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;

  async function loadClient(page: Page) {
    await page.goto("/");
    await page.addScriptTag({ type: "module", content: `${clientModule}\nwindow.__lab = { refreshAccessToken, tokenStore };` });
    await page.waitForFunction(() => "__lab" in window);
  }

  type Lab = { refreshAccessToken(v: string, stale: string | null): Promise<{ token: string } | null> };

  test("two tabs whose token expired refresh once (Web Locks) and both stay signed in", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL });
    const login = await context.request.post("/api/jwt-refresh/login", { data: { email: "bob@example.com", password: DEMO_PASSWORD } });
    const { token } = await login.json();
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) await loadClient(tab);
    // Both tabs share the stored token, and it has expired.
    await tabs[0]!.evaluate(
      (t) => localStorage.setItem("session-lab.jwt-refresh", JSON.stringify({ token: t, expiresAt: new Date(0).toISOString() })),
      token,
    );
    let refreshes = 0;
    context.on("request", (r) => {
      if (r.url().endsWith(REFRESH)) refreshes++;
    });
    const results = await Promise.all(
      tabs.map((tab) => tab.evaluate((t) => (window as unknown as { __lab: Lab }).__lab.refreshAccessToken("jwt-refresh", t), token)),
    );
    expect(results[0]?.token).toBeTruthy();
    expect(results[1]?.token).toBe(results[0]?.token);
    expect(refreshes).toBe(1);
    const check = await context.request.get("/api/jwt-refresh/check", { headers: { Authorization: `Bearer ${results[0]!.token}` } });
    expect(check.status()).toBe(200);
    await context.close();
  });

  test("without Web Locks, both tabs refresh at once and the server's grace window keeps both signed in", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL });
    await context.addInitScript(() => Object.defineProperty(navigator, "locks", { value: undefined }));
    const login = await context.request.post("/api/jwt-refresh/login", { data: { email: "bob@example.com", password: DEMO_PASSWORD } });
    const { token } = await login.json();
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) await loadClient(tab);
    let refreshes = 0;
    context.on("request", (r) => {
      if (r.url().endsWith(REFRESH)) refreshes++;
    });
    const results = await Promise.all(
      tabs.map((tab) => tab.evaluate((t) => (window as unknown as { __lab: Lab }).__lab.refreshAccessToken("jwt-refresh", t), token)),
    );
    expect(refreshes).toBe(2);
    expect(results.every((r) => r?.token)).toBe(true);
    // The cookie jar holds the one successor, which still refreshes.
    expect((await context.request.post(REFRESH)).status()).toBe(200);
    await context.close();
  });
});
