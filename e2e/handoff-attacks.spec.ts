import type { APIResponse } from "@playwright/test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { ERROR_STATUS, type ErrorCode } from "../lib/api-errors";
import { HANDOFF_ROUTES, PARTNER_HOME, PARTNER_SESSION_PAGE } from "../lib/handoff";
import { BACKCHANNEL_LOGOUT_EVENT, LOGOUT_TOKEN_TYPE } from "../lib/server/handoff/tokens";
import { DEMO_PASSWORD, expect, test } from "./fixtures";
import { binding, exchangeUrl, labTokens, origins, signInOnA, signWith } from "./handoff-helpers";

// Hostile input against every handoff route: foreign and forged tokens, open
// redirects, malformed parameters, hostile logout tokens. Always a 4xx with a
// clear JSON error or page, never a 500, never a session.

async function expectError(res: APIResponse, code: ErrorCode) {
  expect(res.status()).toBe(ERROR_STATUS[code]);
  expect(res.headers()["content-type"]).toContain("application/json");
  expect(res.headers()["cache-control"]).toBe("no-store");
  expect((await res.json()).code).toBe(code);
  expect(res.headers()["set-cookie"] ?? "").not.toContain("lab-partner=");
}

const JSON_ACCEPT = { Accept: "application/json" };

test.describe("handoff: foreign tokens (H3, H8)", () => {
  test("wrong audience, issuer, type, key or algorithm: refused; the right claims with the lab's key: accepted", async ({
    request,
    baseURL,
  }) => {
    const o = origins(baseURL);
    const bob = await signInOnA(request, o.A, "bob@example.com");
    /** Exchange a token from a browser holding the verifier it is bound to. */
    const exchange = (token: string, bound: ReturnType<typeof binding>) =>
      request.get(`${o.B}${HANDOFF_ROUTES.exchange}?token=${encodeURIComponent(token)}`, {
        maxRedirects: 0,
        headers: { ...JSON_ACCEPT, Cookie: bound.cookie },
      });
    /** Handoff claims for Bob as A would mint them, but signed with `key` and changed by `extra`. */
    const send = async (key: "handoff" | "logout" | "session", extra: object = {}, header: object = {}) => {
      const bound = binding();
      const iat = Math.floor(Date.now() / 1000);
      const claims = {
        sub: bob,
        name: "Bob Member",
        sid: `sid-${crypto.randomUUID()}`,
        challenge: bound.challenge,
        jti: crypto.randomUUID(),
      };
      return exchange(await signWith(key, { ...claims, iat, exp: iat + 60, iss: o.A, aud: o.B, ...extra }, header), bound);
    };

    // Control: claims exactly as A mints them, signed with the handoff key, pass. So each refusal below is for its one difference.
    expect((await send("handoff")).status()).toBe(303);
    await expectError(await send("handoff", { aud: "http://evil.test" }), "handoff_invalid");
    await expectError(await send("handoff", { aud: [o.B, "http://evil.test"] }), "handoff_invalid");
    await expectError(await send("handoff", { iss: "http://evil.test" }), "handoff_invalid");
    await expectError(await send("handoff", {}, { typ: "session+jwt" }), "handoff_invalid");
    await expectError(await send("handoff", {}, { typ: "JWT" }), "handoff_invalid");
    await expectError(await send("handoff", {}, { alg: "HS512" }), "handoff_invalid");
    await expectError(await send("session"), "handoff_invalid"); // a session key cannot make a handoff token
    await expectError(await send("logout"), "handoff_invalid"); // nor can the logout key
    await expectError(await send("handoff", { exp: Math.floor(Date.now() / 1000) + 3600 }), "handoff_invalid"); // lives too long

    // A real token of A's, with a flipped claim (unsigned edit), or with alg none.
    const real = labTokens(o);
    const b = binding();
    const { token } = await real.mintHandoff({ sub: bob, name: "Bob Member", sid: `sid-${crypto.randomUUID()}`, challenge: b.challenge });
    const [header, payload] = token.split(".");
    const edited = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: "someone-else" })).toString("base64url");
    await expectError(await exchange(`${header}.${edited}.${token.split(".")[2]}`, b), "handoff_invalid");
    const none = Buffer.from(JSON.stringify({ ...decodeProtectedHeader(token), alg: "none" })).toString("base64url");
    await expectError(await exchange(`${none}.${payload}.`, b), "handoff_invalid");
    expect((await exchange(token, b)).status()).toBe(303); // the untouched one still works
  });

  test("a session JWT is no handoff token, and the handoff key cannot make a session token", async ({ request, baseURL }) => {
    const o = origins(baseURL);
    const login = await request.post(`${o.A}/api/jwt/login`, { data: { email: "bob@example.com", password: DEMO_PASSWORD } });
    const session = (await login.json()).token as string;
    const me = (token: string) => request.get(`${o.A}/api/jwt/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await me(session)).status()).toBe(200); // control
    // The same header and claims, signed with the handoff key: not a session.
    const reSigned = await signWith("handoff", decodeJwt(session), decodeProtectedHeader(session) as { alg: string; typ: string });
    expect((await me(reSigned)).status()).toBe(401);
    const b = binding();
    await expectError(
      await request.get(`${o.B}${HANDOFF_ROUTES.exchange}?token=${session}`, {
        maxRedirects: 0,
        headers: { ...JSON_ACCEPT, Cookie: b.cookie },
      }),
      "handoff_invalid",
    );
    // And a real handoff token is no bearer credential.
    const handoff = await labTokens(o).mintHandoff({ sub: "x", name: "X", sid: `sid-${crypto.randomUUID()}`, challenge: b.challenge });
    expect((await me(handoff.token)).status()).toBe(401);
  });
});

test.describe("handoff: redirect allowlist (H4)", () => {
  test("every evil target lands on the default page; only the exact listed paths are honoured", async ({ page, request, baseURL }) => {
    const o = origins(baseURL);
    const bob = await signInOnA(request, o.A, "bob@example.com");
    const tokens = labTokens(o);
    const landing = async (next: string) => {
      const b = binding();
      const { token } = await tokens.mintHandoff({
        sub: bob,
        name: "Bob Member",
        sid: `sid-${crypto.randomUUID()}`,
        challenge: b.challenge,
      });
      const res = await request.get(`${o.B}${HANDOFF_ROUTES.exchange}?token=${token}&next=${encodeURIComponent(next)}`, {
        maxRedirects: 0,
        headers: { Cookie: b.cookie },
      });
      expect(res.status()).toBe(303);
      return res.headers()["location"];
    };
    const evil = [
      "https://evil.test",
      "//evil.test",
      "https://b.test@evil.test",
      `//${new URL(o.B).host}@evil.test`,
      "/\\evil.test",
      "\\\\evil.test",
      "/\\/evil.test",
      "javascript:alert(1)",
      "JaVaScRiPt:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "%2F%2Fevil.test",
      "/%2F%2Fevil.test",
      `${o.B}${PARTNER_HOME}`,
      "/partner/../evil",
      "/partner/",
      "/partner?x=1",
      "/partner#x",
      "/partner@evil.test",
      " /partner",
      "/partner\t",
      "/PARTNER",
      "http://evil.test/partner",
      "",
    ];
    for (const next of evil) expect(await landing(next), next).toBe(`${o.B}${PARTNER_HOME}`);
    expect(await landing(PARTNER_SESSION_PAGE)).toBe(`${o.B}${PARTNER_SESSION_PAGE}`);

    // The earlier hops carry the same check: an evil `next` never even reaches the exchange URL.
    const begin = await page
      .context()
      .request.get(`${o.B}${HANDOFF_ROUTES.begin}?next=${encodeURIComponent("//evil.test")}`, { maxRedirects: 0 });
    expect(new URL(begin.headers()["location"]!).searchParams.get("next")).toBe(PARTNER_HOME);
    await signInOnA(page.context().request, o.A, "bob@example.com");
    const { url } = await exchangeUrl(page.context(), o, { next: "https://evil.test" });
    expect(new URL(url).searchParams.get("next")).toBe(PARTNER_HOME);
  });
});

test.describe("handoff: bad input", () => {
  test("missing, malformed or ambiguous tokens: 4xx, as JSON or as a page, never a session", async ({ request, page, baseURL }) => {
    const o = origins(baseURL);
    const b = binding();
    const bad = [
      "",
      "?token=",
      "?token=abc",
      "?token=a.b.c",
      "?token=a.b.",
      "?token=....",
      `?token=${"a".repeat(5000)}`,
      "?token=%00",
      "?token=%E2%80%AE.x.y",
      "?token=eyJhbGciOiJub25lIn0.e30.",
      "?token=a.b.c&token=d.e.f",
      "?next=/partner",
    ];
    for (const query of bad) {
      await expectError(
        await request.get(`${o.B}${HANDOFF_ROUTES.exchange}${query}`, { maxRedirects: 0, headers: { ...JSON_ACCEPT, Cookie: b.cookie } }),
        "handoff_invalid",
      );
    }
    // A browser gets a page with the same status and code, which keeps no Referer either.
    const res = await page.goto(`${o.B}${HANDOFF_ROUTES.exchange}?token=a.b.c`);
    expect(res!.status()).toBe(400);
    expect(res!.headers()["content-type"]).toContain("text/html");
    expect(res!.headers()["referrer-policy"]).toBe("no-referrer");
    await expect(page.getByTestId("error-code")).toHaveText("handoff_invalid");
    await expect(page.getByRole("link", { name: /Start again/ })).toHaveAttribute("href", new RegExp(`^${o.A}/`));
    expect((await page.context().cookies(o.B)).map((c) => c.name)).not.toContain("lab-partner");
  });

  test("begin and authorize refuse malformed parameters; each route answers only on its own origin and method", async ({
    request,
    baseURL,
  }) => {
    const o = origins(baseURL);
    const get = (url: string) => request.get(url, { maxRedirects: 0, headers: JSON_ACCEPT });
    for (const query of ["ttl=0", "ttl=61", "ttl=abc", "ttl=-1", "next=a&next=b", `next=${"x".repeat(600)}`]) {
      await expectError(await get(`${o.B}${HANDOFF_ROUTES.begin}?${query}`), "handoff_invalid");
    }
    await signInOnA(request, o.A, "bob@example.com");
    for (const query of [
      "",
      "challenge=short",
      `challenge=${"a".repeat(44)}`,
      `challenge=${"a".repeat(42)}%2B`,
      `challenge=${binding().challenge}&ttl=99`,
    ]) {
      await expectError(await get(`${o.A}${HANDOFF_ROUTES.authorize}?${query}`), "handoff_invalid");
    }
    // Wrong origin: A's routes live on A, B's on B.
    await expectError(await get(`${o.A}${HANDOFF_ROUTES.begin}`), "not_found");
    await expectError(await get(`${o.A}${HANDOFF_ROUTES.exchange}?token=a.b.c`), "not_found");
    await expectError(await get(`${o.B}${HANDOFF_ROUTES.authorize}?challenge=${binding().challenge}`), "not_found");
    await expectError(await get(`${o.A}${HANDOFF_ROUTES.partnerSession}`), "not_found");
    await expectError(await request.post(`${o.A}${HANDOFF_ROUTES.backchannelLogout}`, { form: { logout_token: "x" } }), "not_found");
    await expectError(await request.post(`${o.B}${HANDOFF_ROUTES.naiveToken}`, { headers: { Origin: o.B } }), "not_found");
    // Methods.
    const post = await request.post(`${o.B}${HANDOFF_ROUTES.exchange}`, { headers: JSON_ACCEPT });
    await expectError(post, "method_not_allowed");
    expect(post.headers()["allow"]).toBe("GET");
    await expectError(await request.fetch(`${o.B}${HANDOFF_ROUTES.exchange}`, { method: "OPTIONS" }), "method_not_allowed");
    await expectError(await request.get(`${o.B}${HANDOFF_ROUTES.backchannelLogout}`), "method_not_allowed");
    await expectError(await get(`${o.B}/api/handoff/no-such-route`), "not_found");
    await expectError(await get(`${o.B}/api/handoff`), "not_found");
    await expectError(await request.get(`${o.B}${HANDOFF_ROUTES.begin}`, { headers: { Host: "a b" } }), "bad_host");
  });

  test("B's session and sign-out, and the naive routes: unauthenticated or cross-site calls are refused", async ({ request, baseURL }) => {
    const o = origins(baseURL);
    await expectError(await request.get(`${o.B}${HANDOFF_ROUTES.partnerSession}`), "not_signed_in");
    for (const cookie of ["lab-partner=x", `lab-partner=${"a".repeat(43)}`, `lab-partner=${"a".repeat(5000)}`]) {
      await expectError(await request.get(`${o.B}${HANDOFF_ROUTES.partnerSession}`, { headers: { Cookie: cookie } }), "not_signed_in");
    }
    await expectError(await request.post(`${o.B}${HANDOFF_ROUTES.partnerLogout}`, { headers: { Origin: o.A } }), "csrf");
    await expectError(await request.post(`${o.A}${HANDOFF_ROUTES.naiveToken}`, { headers: { Origin: o.A } }), "not_signed_in");
    await signInOnA(request, o.A, "bob@example.com");
    await expectError(await request.post(`${o.A}${HANDOFF_ROUTES.naiveToken}`, { headers: { Origin: o.B } }), "csrf");
    await expectError(
      await request.post(`${o.A}${HANDOFF_ROUTES.naiveToken}`, { headers: { Origin: o.A, "X-Session-Lab-Profile": "forever" } }),
      "invalid_profile",
    );
    for (const auth of ["Bearer a.b.c", "Bearer ", "Basic x", `Bearer ${"a".repeat(5000)}`]) {
      await expectError(await request.get(`${o.B}${HANDOFF_ROUTES.naiveMe}`, { headers: { Authorization: auth } }), "not_signed_in");
    }
  });
});

test.describe("handoff: hostile logout tokens", () => {
  test("B refuses anything but a fresh, signed logout token from A for B; never a 500", async ({ request, baseURL }) => {
    const o = origins(baseURL);
    const url = `${o.B}${HANDOFF_ROUTES.backchannelLogout}`;
    const post = (logout_token: string) => request.post(url, { form: { logout_token } });
    const iat = Math.floor(Date.now() / 1000);
    const claims = (extra: object = {}) => ({
      iss: o.A,
      aud: o.B,
      sub: "nobody",
      jti: crypto.randomUUID(),
      iat,
      exp: iat + 120,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      ...extra,
    });
    const logout = (extra: object = {}, header: object = {}, key: "logout" | "handoff" | "session" = "logout") =>
      signWith(key, claims(extra), { typ: LOGOUT_TOKEN_TYPE, ...header });

    const good = await logout();
    const ok = await post(good);
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, sessionsEnded: 0 });
    await expectError(await post(good), "logout_token_invalid"); // replayed

    const hostile = [
      "",
      "garbage",
      "a.b.c",
      await logout({ events: undefined }),
      await logout({ events: { [BACKCHANNEL_LOGOUT_EVENT]: "yes" } }),
      await logout({ nonce: "abc" }),
      await logout({ sub: undefined }),
      await logout({ aud: "http://evil.test" }),
      await logout({ iss: "http://evil.test" }),
      await logout({ iat: iat - 600, exp: iat - 480 }), // expired
      await logout({}, { typ: "handoff+jwt" }),
      await logout({}, {}, "handoff"), // the handoff key is not the logout key
      await logout({}, {}, "session"),
      (await labTokens(o).mintHandoff({ sub: "x", name: "X", sid: `sid-${crypto.randomUUID()}`, challenge: binding().challenge })).token,
    ];
    for (const token of hostile) await expectError(await post(token), "logout_token_invalid");

    await expectError(await request.post(url, { form: { other: "x" } }), "logout_token_invalid");
    await expectError(
      await request.post(url, {
        data: Buffer.from(`logout_token=${good}&logout_token=${good}`),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      "logout_token_invalid",
    );
    await expectError(await request.post(url, { data: { logout_token: good } }), "unsupported_media_type");
    await expectError(
      await request.post(url, { data: Buffer.from("logout_token=x"), headers: { "content-type": "text/plain" } }),
      "unsupported_media_type",
    );
    await expectError(
      await request.post(url, {
        data: Buffer.from(`logout_token=${"a".repeat(20_000)}`),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      "body_too_large",
    );
  });
});
