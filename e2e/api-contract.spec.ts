import type { APIRequestContext, APIResponse } from "@playwright/test";
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from "../lib/api-errors";
import { parseServerTiming } from "../lib/catalog/server-timing";
import { VARIANTS } from "../lib/catalog/variants";
import { isStrategyId } from "../lib/strategies";
import { apiTest as test, DEMO_PASSWORD, expect } from "./fixtures";

// The HTTP contract of docs/api.md, checked over real HTTP for each strategy
// and each mitigation variant. Where variants differ, the expectation comes
// from the catalog (lib/catalog/variants.ts), never from a list in this file.

type Client = { api: APIRequestContext; headers: Record<string, string>; origin: string };

async function signedIn(
  playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } },
  baseURL: string,
  strategy: string,
  email = "alice@example.com",
  password = DEMO_PASSWORD,
): Promise<Client> {
  const origin = new URL(baseURL).origin;
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: origin } });
  const res = await api.post(`/api/${strategy}/login`, { data: { email, password } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  const headers: Record<string, string> = body.token ? { Authorization: `Bearer ${body.token}` } : {};
  return { api, headers, origin };
}

/** A JSON error of docs/api.md: `{error, code}`, the code one of lib/api-errors.ts and sent with its own status. */
async function expectJsonError(res: APIResponse, status: number, code: ErrorCode) {
  expect(res.status()).toBe(status);
  expect(res.headers()["content-type"]).toContain("application/json");
  const body = await res.json();
  expect(typeof body.error).toBe("string");
  expect(ERROR_CODES).toContain(body.code);
  expect(body.code).toBe(code);
  expect(ERROR_STATUS[code]).toBe(status);
  return body;
}

test.describe("HTTP contract", () => {
  test("sign-in: wrong password and unknown email are indistinguishable; bad bodies are 4xx", async ({ request, strategy }) => {
    const wrong = await request.post(`/api/${strategy}/login`, { data: { email: "alice@example.com", password: "nope-nope-nope" } });
    // An unknown account of its own per run and variant: its failures are never reset by a success, and the throttle
    // blocks an account after 10 (the test runs once per variant against one server).
    const nobody = `nobody-${strategy}-${Date.now()}@example.com`;
    const unknown = await request.post(`/api/${strategy}/login`, { data: { email: nobody, password: "nope-nope-nope" } });
    expect(await expectJsonError(wrong, 401, "invalid_credentials")).toEqual(await expectJsonError(unknown, 401, "invalid_credentials"));
    // A success resets alice's failure count, so eleven variants' wrong passwords never trip the throttle.
    expect((await request.post(`/api/${strategy}/login`, { data: { email: "alice@example.com", password: DEMO_PASSWORD } })).status()).toBe(
      200,
    );

    // As bytes: Playwright would JSON-encode a string that does not parse, turning malformed JSON into a valid JSON string.
    const post = (data: string, type = "application/json") =>
      request.post(`/api/${strategy}/login`, { data: Buffer.from(data), headers: { "content-type": type } });
    await expectJsonError(await post('{"email":'), 400, "malformed_json");
    await expectJsonError(await post('{"email":5,"password":[]}'), 400, "invalid_body");
    await expectJsonError(await post("[]"), 400, "invalid_body");
    await expectJsonError(await post("null"), 400, "invalid_body");
    await expectJsonError(await post("email=a&password=b", "application/x-www-form-urlencoded"), 415, "unsupported_media_type");
    await expectJsonError(await post(JSON.stringify({ email: "a@b.c", password: "x".repeat(20_000) })), 413, "body_too_large");
    await expectJsonError(await request.get(`/api/${strategy}/login`), 405, "method_not_allowed");
    await expectJsonError(await request.fetch(`/api/${strategy}/login`, { method: "OPTIONS" }), 405, "method_not_allowed");
    // NUL cannot be stored by PostgreSQL: refused before the database sees it.
    await expectJsonError(await post(JSON.stringify({ email: "alice\u0000@example.com", password: "x" })), 400, "invalid_body");
    await expectJsonError(await request.get(`/api/${strategy}/no-such-endpoint`), 404, "not_found");
  });

  test("no credential, garbage credentials and URL tokens are 401 JSON", async ({ request, strategy, playwright, baseURL }) => {
    await expectJsonError(await request.get(`/api/${strategy}/me`), 401, "not_signed_in");
    await expectJsonError(await request.get(`/api/${strategy}/check`), 401, "not_signed_in");
    const garbage = {
      Cookie: "lab-stateful=x; lab-cookie=Fe26.2**garbage; authjs.session-token=eyJ.garbage",
      Authorization: "Bearer a.b.c",
    };
    await expectJsonError(await request.get(`/api/${strategy}/me`, { headers: garbage }), 401, "not_signed_in");
    const huge = {
      Cookie: `lab-stateful=${"a".repeat(4000)}; lab-cookie=${"b".repeat(4000)}`,
      Authorization: `Bearer ${"c".repeat(6000)}`,
    };
    const res = await request.get(`/api/${strategy}/me`, { headers: huge });
    expect(res.status()).toBeGreaterThanOrEqual(400);
    expect(res.status()).toBeLessThan(500);

    // A valid JWT in the query string is not a credential.
    const { api, headers } = await signedIn(playwright, baseURL!, "jwt");
    const token = headers.Authorization!.slice("Bearer ".length);
    await expectJsonError(await request.get(`/api/${strategy}/me?token=${token}&access_token=${token}`), 401, "not_signed_in");
    await api.dispose();
  });

  test("authenticated responses are no-store; GET never changes state", async ({ playwright, baseURL, strategy }) => {
    const { api, headers } = await signedIn(playwright, baseURL!, strategy);
    const me = await api.get(`/api/${strategy}/me`, { headers });
    expect(me.status()).toBe(200);
    expect(me.headers()["cache-control"]).toBe("no-store");
    const body = await me.json();
    expect(body.user).toMatchObject({ email: "alice@example.com", role: "admin" });
    expect(body.session).toMatchObject({ strategy });
    expect(body.session.credentialBytes).toBeGreaterThan(0);
    const check = await api.get(`/api/${strategy}/check`, { headers });
    expect(check.status()).toBe(200);
    expect((await check.json()).user).toMatchObject({ id: body.user.id, role: "admin" });
    // The session check reports its cost: as many store lookups as the catalog says (0 for the stateless ones).
    const timing = parseServerTiming(check.headers()["server-timing"]);
    expect(timing?.durationMs).toBeGreaterThan(0);
    expect(timing?.db.count).toBe(VARIANTS[strategy].lookupsPerCheck);
    for (const path of [
      "/logout",
      "/logout-all",
      "/password",
      "/profile",
      "/admin/users/x/role",
      "/admin/users/x/disable",
      "/admin/users/x/revoke",
    ]) {
      await expectJsonError(await api.get(`/api/${strategy}${path}`, { headers }), 405, "method_not_allowed");
    }
    expect((await api.get(`/api/${strategy}/me`, { headers })).status()).toBe(200); // still signed in
    await api.dispose();
  });

  test("cross-origin writes are refused for cookie credentials (CSRF)", async ({ playwright, baseURL, strategy }) => {
    const { api, headers } = await signedIn(playwright, baseURL!, strategy);
    const before = (await (await api.get(`/api/${strategy}/notes`, { headers })).json()).notes.length;
    const evil = await api.post(`/api/${strategy}/notes`, { headers: { ...headers, Origin: "http://evil.test" }, data: { title: "csrf" } });
    // Without Origin, the browser-set Sec-Fetch-Site decides.
    const noOrigin = await playwright.request.newContext({ baseURL, storageState: await api.storageState() });
    const crossSite = await noOrigin.post(`/api/${strategy}/notes`, {
      headers: { ...headers, "Sec-Fetch-Site": "cross-site" },
      data: { title: "csrf" },
    });
    const after = (await (await api.get(`/api/${strategy}/notes`, { headers })).json()).notes.length;
    if (VARIANTS[strategy].originCheck) {
      await expectJsonError(evil, 403, "csrf");
      expect(after).toBe(before);
      await expectJsonError(crossSite, 403, "csrf");
    } else {
      // A bearer token (with no cookie beside it) is never sent by the browser on its own: there is nothing to forge.
      expect(evil.status()).toBe(201);
      expect(crossSite.status()).toBe(201);
      for (const id of (await (await api.get(`/api/${strategy}/notes`, { headers })).json()).notes
        .filter((n: { title: string }) => n.title === "csrf")
        .map((n: { id: string }) => n.id)) {
        await api.delete(`/api/${strategy}/notes/${id}`, { headers });
      }
    }
    await noOrigin.dispose();
    // CORS does not reflect a foreign origin.
    const cors = await api.get(`/api/${strategy}/me`, { headers: { ...headers, Origin: "http://evil.test" } });
    expect(cors.headers()["access-control-allow-origin"]).toBeUndefined();
    await api.dispose();
  });

  test("capabilities: supported actions work, unsupported ones are 4xx unsupported with the reason", async ({
    playwright,
    baseURL,
    strategy,
  }) => {
    const { api, headers } = await signedIn(playwright, baseURL!, strategy);
    const caps = VARIANTS[strategy].capabilities;
    const list = await api.get(`/api/${strategy}/sessions`, { headers });
    if (caps.listSessions === true) {
      expect(list.status()).toBe(200);
      const { sessions } = await list.json();
      expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    } else {
      expect((await expectJsonError(list, ERROR_STATUS.unsupported, "unsupported")).error).toBe(caps.listSessions);
    }
    const revoke = await api.delete(`/api/${strategy}/sessions/does-not-exist`, { headers });
    if (caps.revokeSession === true) await expectJsonError(revoke, 404, "not_found");
    else expect((await expectJsonError(revoke, ERROR_STATUS.unsupported, "unsupported")).error).toBe(caps.revokeSession);
    const refresh = await api.post(`/api/${strategy}/refresh`, { headers });
    if (caps.refresh === true) expect(refresh.status()).toBe(200);
    else
      expect(await expectJsonError(refresh, ERROR_STATUS.unsupported, "unsupported")).toMatchObject({
        error: caps.refresh,
        capability: "refresh",
      });
    await api.dispose();
  });

  test("sign-out ends the credential where the strategy can; a copy survives where it cannot", async ({
    playwright,
    baseURL,
    strategy,
  }) => {
    const { api, headers } = await signedIn(playwright, baseURL!, strategy);
    const state = await api.storageState();
    const copyCookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const copy = { ...headers, ...(copyCookie ? { Cookie: copyCookie } : {}) };
    expect((await api.post(`/api/${strategy}/logout`, { headers })).status()).toBe(200);
    const replay = await playwright.request.newContext({ baseURL });
    const res = await replay.get(`/api/${strategy}/me`, { headers: copy });
    // Only a variant whose sign-out ends the credential on the server refuses a copy someone kept.
    expect(res.status()).toBe(VARIANTS[strategy].expected["sign-out"].window === "none" ? 401 : 200);
    await replay.dispose();
    await api.dispose();
  });

  test("a disabled user cannot sign in; re-enabled, they can", async ({ playwright, baseURL, strategy }) => {
    const admin = await signedIn(playwright, baseURL!, strategy);
    const { users } = await (await admin.api.get(`/api/${strategy}/admin/users`, { headers: admin.headers })).json();
    const bob = users.find((u: { email: string }) => u.email === "bob@example.com");
    const setDisabled = (disabled: boolean) =>
      admin.api.post(`/api/${strategy}/admin/users/${bob.id}/disable`, { headers: admin.headers, data: { disabled } });
    try {
      expect((await setDisabled(true)).status()).toBe(200);
      const login = await admin.api.post(`/api/${strategy}/login`, {
        headers: { Cookie: "" },
        data: { email: "bob@example.com", password: DEMO_PASSWORD },
      });
      await expectJsonError(login, 403, "account_disabled");
      if (strategy === "nextauth") {
        // Through Auth.js's own endpoint too: back to the sign-in page with a reason, never a 500.
        const anon = await playwright.request.newContext({ baseURL });
        const { csrfToken } = await (await anon.get("/api/auth/csrf")).json();
        const viaAuthJs = await anon.post("/api/auth/callback/credentials", {
          form: { csrfToken, email: "bob@example.com", password: DEMO_PASSWORD },
          maxRedirects: 0,
        });
        expect(viaAuthJs.status()).toBe(302);
        expect(viaAuthJs.headers()["location"]).toMatch(/\/nextauth\/login\?error=CredentialsSignin&code=disabled/);
        await anon.dispose();
      }
    } finally {
      expect((await setDisabled(false)).status()).toBe(200);
    }
    const again = await signedIn(playwright, baseURL!, strategy, "bob@example.com");
    await again.api.dispose();
    await admin.api.dispose();
  });
});

test.describe("authorization on every endpoint", () => {
  test("notes are private: another user can neither see nor delete them", async ({ playwright, baseURL, strategy }) => {
    const alice = await signedIn(playwright, baseURL!, strategy);
    const bob = await signedIn(playwright, baseURL!, strategy, "bob@example.com");
    const created = await alice.api.post(`/api/${strategy}/notes`, {
      headers: alice.headers,
      data: { title: "alice only", body: "secret" },
    });
    expect(created.status()).toBe(201);
    const { note } = await created.json();
    const bobsNotes = (await (await bob.api.get(`/api/${strategy}/notes`, { headers: bob.headers })).json()).notes;
    expect(bobsNotes.map((n: { id: string }) => n.id)).not.toContain(note.id);
    await expectJsonError(await bob.api.delete(`/api/${strategy}/notes/${note.id}`, { headers: bob.headers }), 404, "not_found");
    expect((await alice.api.delete(`/api/${strategy}/notes/${note.id}`, { headers: alice.headers })).status()).toBe(200);
    await expectJsonError(await alice.api.delete(`/api/${strategy}/notes/${note.id}`, { headers: alice.headers }), 404, "not_found");
    await alice.api.dispose();
    await bob.api.dispose();
  });

  test("every admin endpoint refuses a member with 403, and an anonymous caller with 401", async ({
    playwright,
    baseURL,
    request,
    strategy,
  }) => {
    const alice = await signedIn(playwright, baseURL!, strategy);
    const bob = await signedIn(playwright, baseURL!, strategy, "bob@example.com");
    const { users } = await (await alice.api.get(`/api/${strategy}/admin/users`, { headers: alice.headers })).json();
    const aliceId = users.find((u: { email: string }) => u.email === "alice@example.com").id;
    const calls: [string, string, unknown][] = [
      ["GET", "/admin/users", undefined],
      ["POST", `/admin/users/${aliceId}/role`, { role: "member" }],
      ["POST", `/admin/users/${aliceId}/disable`, { disabled: true }],
      ["POST", `/admin/users/${aliceId}/revoke`, undefined],
    ];
    for (const [method, path, data] of calls) {
      await expectJsonError(await bob.api.fetch(`/api/${strategy}${path}`, { method, headers: bob.headers, data }), 403, "forbidden");
      await expectJsonError(await request.fetch(`/api/${strategy}${path}`, { method, data }), 401, "not_signed_in");
    }
    // Nothing happened to Alice.
    const me = await (await alice.api.get(`/api/${strategy}/me`, { headers: alice.headers })).json();
    expect(me.database).toMatchObject({ role: "admin", disabled: false });
    // And an admin cannot lock themselves out.
    await expectJsonError(
      await alice.api.post(`/api/${strategy}/admin/users/${aliceId}/role`, { headers: alice.headers, data: { role: "member" } }),
      409,
      "conflict",
    );
    await alice.api.dispose();
    await bob.api.dispose();
  });

  test("changing the password needs the current one; stateful ends the other sessions", async ({ playwright, baseURL, strategy }) => {
    const NEW_PASSWORD = "a-new-password-123";
    const bob = await signedIn(playwright, baseURL!, strategy, "bob@example.com");
    const otherDevice = await signedIn(playwright, baseURL!, strategy, "bob@example.com");
    // A stateful session elsewhere ends whichever variant handles the change (one session version for all).
    const statefulDevice = await signedIn(playwright, baseURL!, "stateful", "bob@example.com");
    const change = (currentPassword: string, newPassword: string) =>
      bob.api.post(`/api/${strategy}/password`, { headers: bob.headers, data: { currentPassword, newPassword } });
    await expectJsonError(await change("not-the-password", NEW_PASSWORD), 403, "wrong_password");
    await expectJsonError(await change(DEMO_PASSWORD, "short"), 400, "invalid_body");
    const changed = await change(DEMO_PASSWORD, NEW_PASSWORD);
    expect(changed.status()).toBe(200);
    try {
      const body = await changed.json();
      const other = await otherDevice.api.get(`/api/${strategy}/me`, { headers: otherDevice.headers });
      const { revokeAllSessions } = VARIANTS[strategy].capabilities;
      const window = VARIANTS[strategy].expected["password-change"].window;
      if (revokeAllSessions === true) {
        // A count where sessions are records; null where a version bump ended them all at once.
        if (body.otherSessionsEnded !== null) expect(body.otherSessionsEnded).toBeGreaterThanOrEqual(1);
        expect(body.note).toBeUndefined();
      } else {
        expect(body.otherSessionsEnded).toBeNull();
        expect(body.note).toBe(revokeAllSessions);
      }
      // Refused at once, or (by design) still accepted until the credential or access token expires.
      expect(other.status()).toBe(window === "none" ? 401 : 200);
      expect((await statefulDevice.api.get("/api/stateful/me")).status()).toBe(401);
      expect(body.revocation.statefulSessionsEnded).toBeGreaterThanOrEqual(1);
      expect(body.revocation.notEnded).toEqual(expect.arrayContaining(["cookie", "jwt", "nextauth", "jwt-denylist"]));
      expect(body.revocation.notEnded).not.toContain("stateful");
      if (window === "access-token") expect((await otherDevice.api.post(`/api/${strategy}/refresh`)).status()).toBe(401);
      if (body.token) bob.headers.Authorization = `Bearer ${body.token}`;
      expect((await bob.api.get(`/api/${strategy}/me`, { headers: bob.headers })).status()).toBe(200); // this device stays signed in
      const oldLogin = await bob.api.post(`/api/${strategy}/login`, { data: { email: "bob@example.com", password: DEMO_PASSWORD } });
      await expectJsonError(oldLogin, 401, "invalid_credentials");
    } finally {
      // Put the demo password back for the other specs.
      const restorer = await signedIn(playwright, baseURL!, strategy, "bob@example.com", NEW_PASSWORD);
      const res = await restorer.api.post(`/api/${strategy}/password`, {
        headers: restorer.headers,
        data: { currentPassword: NEW_PASSWORD, newPassword: DEMO_PASSWORD },
      });
      expect(res.status()).toBe(200);
      await restorer.api.dispose();
    }
    await bob.api.dispose();
    await otherDevice.api.dispose();
    await statefulDevice.api.dispose();
  });
});

test.describe("hostile transport", () => {
  test("a malformed Host is 400; stray cookies of other apps do not break sign-in or sign-out", async ({ request, strategy, baseURL }) => {
    const login = { data: { email: "bob@example.com", password: DEMO_PASSWORD } };
    await expectJsonError(await request.post(`/api/${strategy}/login`, { ...login, headers: { Host: "a b" } }), 400, "bad_host");
    // Forged forwarding headers are ignored (no TRUST_PROXY): they change neither the origin nor the cookies.
    const forwarded = await request.post(`/api/${strategy}/login`, {
      ...login,
      headers: { Origin: "http://evil.test", "X-Forwarded-Host": "evil.test", "X-Forwarded-Proto": "https" },
    });
    expect(forwarded.status()).toBe(VARIANTS[strategy].originCheck ? 403 : 200);
    // Percent-encoded CR/LF and NUL in someone else's cookie, sent next to ours.
    const stray = { Cookie: "other=a%0d%0ab; x=a%00b; y=%E0%A4%A" };
    const signIn = await request.post(`/api/${strategy}/login`, { ...login, headers: { ...stray, Origin: new URL(baseURL!).origin } });
    expect(signIn.status()).toBe(200);
    const out = await request.post(`/api/${strategy}/logout`, { headers: { ...stray, Origin: new URL(baseURL!).origin } });
    expect(out.status()).toBe(200);
  });

  test("a client's X-Forwarded-Proto/-Host change neither cookie names, the origin check nor redirects (TRUST_PROXY=0)", async ({
    playwright,
    baseURL,
    strategy,
  }) => {
    // Next.js builds req.url's scheme from X-Forwarded-Proto; the app must not follow a client that claims https.
    const origin = new URL(baseURL!).origin;
    const forged = { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.test" };
    const byCookie = VARIANTS[strategy].transport === "cookie";
    // Every variant with a cookie credential (jwt-refresh's refresh cookie too) checks the origin and sets a cookie at sign-in.
    const checksOrigin = VARIANTS[strategy].originCheck;
    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: forged });
    const setCookies = (res: APIResponse) => res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie");
    const expectPlainCookies = (res: APIResponse) => {
      for (const { value } of setCookies(res)) {
        expect(value).not.toMatch(/^__(Host|Secure)-/);
        expect(value).not.toMatch(/;\s*secure\b/i);
      }
    };
    try {
      const data = { email: "bob@example.com", password: DEMO_PASSWORD };
      // The origin is still http://host: neither the https nor the forwarded-host twin of it passes the CSRF check.
      for (const claimed of [origin.replace(/^http:/, "https:"), "https://evil.test", "http://evil.test"]) {
        const res = await api.post(`/api/${strategy}/login`, { headers: { Origin: claimed }, data });
        if (checksOrigin) await expectJsonError(res, 403, "csrf");
        else expect(res.status()).toBe(200);
      }
      const login = await api.post(`/api/${strategy}/login`, { headers: { Origin: origin }, data });
      expect(login.status()).toBe(200);
      expectPlainCookies(login);
      if (checksOrigin) expect(setCookies(login).length).toBeGreaterThan(0);
      const headers: Record<string, string> = byCookie ? {} : { Authorization: `Bearer ${(await login.json()).token}` };
      expect((await api.get(`/api/${strategy}/me`, { headers })).status()).toBe(200);

      const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: forged });
      // Pages exist for the four strategies only (the mitigations are API variants).
      if (isStrategyId(strategy)) {
        // Server components read the plain cookie too: the signed-in page renders instead of redirecting.
        const page = await api.get(`/${strategy}/notes`, { maxRedirects: 0 });
        expect(page.status()).toBe(200);
        // Redirects stay relative (or on this http origin) for a browser without a session.
        const redirect = await anonymous.get(`/${strategy}/notes`, { maxRedirects: 0 });
        if (byCookie) {
          expect(redirect.status()).toBe(307);
          expect(new URL(redirect.headers()["location"]!, origin).origin).toBe(origin);
        } else {
          expect(redirect.status()).toBe(200); // jwt pages guard on the client: no credential travels on navigation
        }
      }
      if (strategy === "nextauth") {
        // Auth.js's own endpoints see the same origin.
        const csrf = await anonymous.get("/api/auth/csrf");
        expect(csrf.status()).toBe(200);
        expectPlainCookies(csrf);
        const signin = await anonymous.get("/api/auth/signin", { maxRedirects: 0 });
        expect(signin.status()).toBe(302);
        const location = new URL(signin.headers()["location"]!, origin);
        expect(location.origin).toBe(origin);
        expect(location.searchParams.get("callbackUrl")).toBe(origin);
        expectPlainCookies(signin);
      }
      await anonymous.dispose();
      expect((await api.post(`/api/${strategy}/logout`, { headers: { ...headers, Origin: origin } })).status()).toBe(200);
    } finally {
      await api.dispose();
    }
  });

  test("a re-issued credential carries the database's role and never outlives the original", async ({ playwright, baseURL, strategy }) => {
    const alice = await signedIn(playwright, baseURL!, strategy);
    const { users } = await (await alice.api.get(`/api/${strategy}/admin/users`, { headers: alice.headers })).json();
    const bobId = users.find((u: { email: string }) => u.email === "bob@example.com").id;
    const admin = (path: string, data: unknown) =>
      alice.api.post(`/api/${strategy}/admin/users/${bobId}/${path}`, { headers: alice.headers, data });
    expect((await admin("role", { role: "admin" })).status()).toBe(200);
    const bob = await signedIn(playwright, baseURL!, strategy, "bob@example.com");
    try {
      const before = await (await bob.api.get(`/api/${strategy}/me`, { headers: bob.headers })).json();
      expect(before.user.role).toBe("admin");
      expect((await admin("role", { role: "member" })).status()).toBe(200);

      // Bob renames himself: his new credential says "member", and lasts no longer.
      const renamed = await bob.api.patch(`/api/${strategy}/profile`, { headers: bob.headers, data: { name: "Bob Member" } });
      expect(renamed.status()).toBe(200);
      const body = await renamed.json();
      if (body.token) bob.headers.Authorization = `Bearer ${body.token}`;
      const after = await (await bob.api.get(`/api/${strategy}/me`, { headers: bob.headers })).json();
      expect(after.user.role).toBe("member");
      await expectJsonError(await bob.api.get(`/api/${strategy}/admin/users`, { headers: bob.headers }), 403, "forbidden");
      if (VARIANTS[strategy].base === "cookie" || VARIANTS[strategy].base === "jwt") {
        expect(after.session.expiresAt).toBe(before.session.expiresAt);
      }

      // Disabled, he gets no fresh credential at all.
      expect((await admin("disable", { disabled: true })).status()).toBe(200);
      const disabledRename = await bob.api.patch(`/api/${strategy}/profile`, { headers: bob.headers, data: { name: "Bob Member" } });
      if (disabledRename.status() === 200) {
        expect((await disabledRename.json()).token).toBeUndefined();
        // (Auth.js re-issues its token on every read anyway: that is its sliding expiry, not a re-issue of ours.)
        if (strategy === "cookie") expect(disabledRename.headers()["set-cookie"] ?? "").not.toMatch(/lab-cookie=/);
      } else {
        // Where disabling ends credentials at once (stateful, the version checks).
        expect(VARIANTS[strategy].expected.disable.window).toBe("none");
        expect(disabledRename.status()).toBe(401);
      }
    } finally {
      expect((await admin("disable", { disabled: false })).status()).toBe(200);
      expect((await admin("role", { role: "member" })).status()).toBe(200);
      await bob.api.dispose();
      await alice.api.dispose();
    }
  });
});
