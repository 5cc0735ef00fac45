import type { Request } from "@playwright/test";
import { decodeJwt } from "jose";
import { HANDOFF_ROUTES, HANDOFF_START_PAGE, PARTNER_HOME, PARTNER_SESSION_PAGE } from "../lib/handoff";
import { expect, signIn, test } from "./fixtures";
import { exchangeUrl, handOverInBrowser, origins, partnerCookie, signInOnA } from "./handoff-helpers";

// The cross-domain handoff (docs/handoff.md) between origin A (localhost) and
// origin B (127.0.0.1): the flow in a real browser, the one-time token's
// lifetime and single use, browser binding, and sign-out reaching B through the
// back-channel. Properties H1–H8 of the security catalog.

test.describe("handoff: the flow", () => {
  test("continue to the partner app: signed in on B, token gone from the URL and the Referer (H6)", async ({ page, baseURL }) => {
    const o = origins(baseURL);
    await signIn(page, "stateful", "bob@example.com");
    await page.goto(HANDOFF_START_PAGE);
    await expect(page.getByTestId("separate-sessions")).toContainText("separate act");

    const requests: Request[] = [];
    page.on("request", (r) => requests.push(r));
    const exchange = page.waitForResponse((r) => r.url().startsWith(`${o.B}${HANDOFF_ROUTES.exchange}`));
    await page.getByTestId("continue-to-partner").click();
    const res = await exchange;
    await page.waitForURL(`${o.B}${PARTNER_HOME}`);
    await expect(page.getByTestId("partner-user")).toHaveText("Bob Member");
    await expect(page.getByTestId("separate-sessions")).toContainText("You stay signed in on the main app");

    // A 303 to a clean URL, never cached, never referred.
    expect(res.status()).toBe(303);
    expect(res.headers()["location"]).toBe(`${o.B}${PARTNER_HOME}`);
    expect(res.headers()["referrer-policy"]).toBe("no-referrer");
    expect(res.headers()["cache-control"]).toBe("no-store");
    expect(page.url()).toBe(`${o.B}${PARTNER_HOME}`);
    expect(await page.evaluate(() => document.referrer)).toBe("");
    // No request after the exchange tells anyone where the browser came from, let alone the token.
    const after = requests.slice(requests.findIndex((r) => r.url().startsWith(`${o.B}${HANDOFF_ROUTES.exchange}`)) + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) expect((await r.allHeaders())["referer"] ?? "").not.toContain("token=");
    const landing = after.find((r) => r.url() === `${o.B}${PARTNER_HOME}` && r.isNavigationRequest())!;
    expect((await landing.allHeaders())["referer"]).toBeUndefined();

    // B's own cookie: HttpOnly, host-only, Lax; the verifier is spent.
    const cookies = await page.context().cookies(o.B);
    expect(cookies.find((c) => c.name === "lab-partner")).toMatchObject({ httpOnly: true, sameSite: "Lax", domain: "127.0.0.1" });
    expect(cookies.find((c) => c.name === "lab-handoff-verifier")).toBeUndefined();
    expect(await page.evaluate(() => document.cookie)).toBe("");

    // Signing out on B is a separate act: A's session stays.
    await page.getByRole("button", { name: "Sign out of the partner app" }).click();
    await expect(page.getByTestId("partner-signed-out")).toBeVisible();
    await page.goto(`${o.A}/stateful`);
    await expect(page.getByTestId("profile-email")).toHaveText("bob@example.com");
  });

  test("not signed in on A: authorize sends the browser to A's sign-in, then back to the handoff page", async ({ page, baseURL }) => {
    const o = origins(baseURL);
    await page.goto(`${o.B}${HANDOFF_ROUTES.begin}?next=${PARTNER_HOME}`);
    await expect(page).toHaveURL(`${o.A}/stateful/login?next=${encodeURIComponent(HANDOFF_START_PAGE)}`);
    await page.getByLabel("Email").fill("bob@example.com");
    await page.getByLabel("Password").fill(process.env.DEMO_PASSWORD ?? "lab-demo-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${o.A}${HANDOFF_START_PAGE}`);
    await page.getByTestId("continue-to-partner").click();
    await page.waitForURL(`${o.B}${PARTNER_HOME}`);
  });

  test("an allowlisted target is honoured; the pages say which origin they belong to", async ({ page, baseURL }) => {
    const o = origins(baseURL);
    await signInOnA(page.context().request, o.A, "bob@example.com");
    const { url } = await exchangeUrl(page.context(), o, { next: PARTNER_SESSION_PAGE });
    await page.goto(url);
    await expect(page).toHaveURL(`${o.B}${PARTNER_SESSION_PAGE}`);
    await expect(page.getByTestId("partner-session-id")).toBeVisible();
    // The app names its two origins (comparison runs read this), and says which one was asked.
    for (const [origin, side] of [
      [o.A, "A"],
      [o.B, "B"],
    ]) {
      const res = await page.context().request.get(`${origin}${HANDOFF_ROUTES.origins}`);
      expect(await res.json()).toEqual({ a: o.A, b: o.B, side });
    }
    // B's pages on A, and A's handoff page on B, point to the right origin instead.
    await page.goto(`${o.A}${PARTNER_HOME}`);
    await expect(page.getByTestId("wrong-origin")).toContainText(o.B);
  });

  test("a fresh B session replaces the cookie B had (H7)", async ({ page, baseURL }) => {
    const o = origins(baseURL);
    await signIn(page, "stateful", "bob@example.com");
    await handOverInBrowser(page, o);
    const first = await partnerCookie(page.context(), o.B);
    await handOverInBrowser(page, o);
    const second = await partnerCookie(page.context(), o.B);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const old = await page.context().request.get(`${o.B}${HANDOFF_ROUTES.partnerSession}`, { headers: { Cookie: `lab-partner=${first}` } });
    expect(old.status()).toBe(401);
  });
});

test.describe("handoff: the one-time token", () => {
  test("lives 60 s at most, and an expired one is refused (H2)", async ({ page, baseURL }) => {
    const o = origins(baseURL);
    await signInOnA(page.context().request, o.A, "bob@example.com");
    const normal = decodeJwt((await exchangeUrl(page.context(), o)).token);
    expect(normal.exp! - normal.iat!).toBe(60);
    expect(normal).toMatchObject({ iss: o.A, aud: o.B });

    // A run may only shorten it (?ttl=1): wait out exp plus the 5 s clock tolerance.
    const short = await exchangeUrl(page.context(), o, { ttl: 1 });
    const { exp } = decodeJwt(short.token);
    await page.waitForTimeout(Math.max(0, (exp! + 5) * 1000 - Date.now()) + 1500);
    const res = await page.goto(short.url);
    expect(res!.status()).toBe(400);
    await expect(page.getByTestId("error-code")).toHaveText("handoff_expired");
    expect(await partnerCookie(page.context(), o.B)).toBeUndefined();
  });

  test("works once: a replay fails, and of ten parallel uses exactly one succeeds (H1)", async ({ page, baseURL, playwright }) => {
    const o = origins(baseURL);
    await signInOnA(page.context().request, o.A, "bob@example.com");

    // Sequential replay, from the same browser, with its verifier put back: the spent jti refuses it.
    const once = await exchangeUrl(page.context(), o);
    const first = await page.context().request.get(once.url, { maxRedirects: 0 });
    expect(first.status()).toBe(303);
    const session = await partnerCookie(page.context(), o.B);
    await page.context().addCookies([{ name: "lab-handoff-verifier", value: once.verifier, url: o.B }]);
    const replay = await page.context().request.get(once.url, { maxRedirects: 0, headers: { Accept: "application/json" } });
    expect(replay.status()).toBe(409);
    expect((await replay.json()).code).toBe("handoff_replayed");
    expect(replay.headers()["set-cookie"] ?? "").not.toContain("lab-partner=");
    expect(await partnerCookie(page.context(), o.B)).toBe(session);

    // Parallel: ten clients holding the same URL and the same verifier at once.
    const twice = await exchangeUrl(page.context(), o);
    const raw = await playwright.request.newContext();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        raw.get(twice.url, { maxRedirects: 0, headers: { Cookie: `lab-handoff-verifier=${twice.verifier}`, Accept: "application/json" } }),
      ),
    );
    const statuses = results.map((r) => r.status()).sort();
    expect(statuses).toEqual([303, ...Array(9).fill(409)]);
    expect(results.filter((r) => (r.headers()["set-cookie"] ?? "").includes("lab-partner="))).toHaveLength(1);
    await raw.dispose();
  });

  test("is bound to the browser that started it: opened elsewhere, it signs nobody in (H5, login CSRF)", async ({ browser, baseURL }) => {
    const o = origins(baseURL);
    // The attacker starts a handoff for their own account and sends the link to a victim.
    const attacker = await browser.newContext();
    await signInOnA(attacker.request, o.A, "alice@example.com");
    const link = await exchangeUrl(attacker, o);

    const victim = await browser.newContext();
    const victimPage = await victim.newPage();
    const res = await victimPage.goto(link.url);
    expect(res!.status()).toBe(403);
    await expect(victimPage.getByTestId("error-code")).toHaveText("handoff_unbound");
    await expect(victimPage.getByRole("heading")).toHaveText("This sign-in link was started in another browser");
    expect(await partnerCookie(victim, o.B)).toBeUndefined();

    // A victim already signed in on B (as themselves) keeps their own session, even with a handoff of their own under way.
    await signInOnA(victim.request, o.A, "bob@example.com");
    await victimPage.goto((await exchangeUrl(victim, o)).url);
    await expect(victimPage.getByTestId("partner-user")).toHaveText("Bob Member");
    await exchangeUrl(victim, o); // a fresh verifier of the victim's own in B's cookie
    expect((await victimPage.goto(link.url))!.status()).toBe(403);
    await victimPage.goto(`${o.B}${PARTNER_HOME}`);
    await expect(victimPage.getByTestId("partner-user")).toHaveText("Bob Member");

    // The refusals did not spend the link: its own browser still can use it.
    const own = await attacker.request.get(link.url, { maxRedirects: 0 });
    expect(own.status()).toBe(303);
    await attacker.close();
    await victim.close();
  });
});

test.describe("handoff: sign-out reaches the partner (back-channel logout)", () => {
  test("signing out on A ends the B session its handoff created, and only that one", async ({ browser, baseURL }) => {
    const o = origins(baseURL);
    const one = await browser.newContext();
    const two = await browser.newContext();
    for (const context of [one, two]) {
      await signInOnA(context.request, o.A, "bob@example.com");
      expect((await context.request.get((await exchangeUrl(context, o)).url, { maxRedirects: 0 })).status()).toBe(303);
    }
    const onB = (context: typeof one) => context.request.get(`${o.B}${HANDOFF_ROUTES.partnerSession}`);
    expect((await onB(one)).status()).toBe(200);

    expect((await one.request.post(`${o.A}/api/stateful/logout`, { headers: { Origin: o.A } })).status()).toBe(200);
    // At once: A answered only after B had ended the session.
    expect((await onB(one)).status()).toBe(401);
    expect((await onB(two)).status()).toBe(200);
    expect((await two.request.get(`${o.A}/api/stateful/me`)).status()).toBe(200);

    // The other way round: signing out on B leaves A alone.
    expect((await two.request.post(`${o.B}${HANDOFF_ROUTES.partnerLogout}`, { headers: { Origin: o.B } })).status()).toBe(200);
    expect((await onB(two)).status()).toBe(401);
    expect((await two.request.get(`${o.A}/api/stateful/me`)).status()).toBe(200);
    await one.close();
    await two.close();
  });

  test("revoking one device, signing out everywhere, and an admin disabling the user reach B", async ({ browser, baseURL, playwright }) => {
    const o = origins(baseURL);
    const handedOver = async () => {
      const context = await browser.newContext();
      await signInOnA(context.request, o.A, "bob@example.com");
      expect((await context.request.get((await exchangeUrl(context, o)).url, { maxRedirects: 0 })).status()).toBe(303);
      return context;
    };
    const onB = async (context: Awaited<ReturnType<typeof handedOver>>) =>
      (await context.request.get(`${o.B}${HANDOFF_ROUTES.partnerSession}`)).status();

    // Revoke one device (from another): that device's B session ends.
    const [phone, laptop] = [await handedOver(), await handedOver()];
    const phoneSession = (await (await phone.request.get(`${o.A}/api/stateful/me`)).json()).session.id as string;
    expect((await laptop.request.delete(`${o.A}/api/stateful/sessions/${phoneSession}`, { headers: { Origin: o.A } })).status()).toBe(200);
    expect([await onB(phone), await onB(laptop)]).toEqual([401, 200]);

    // Sign out everywhere.
    const tablet = await handedOver();
    expect((await laptop.request.post(`${o.A}/api/stateful/logout-all`, { headers: { Origin: o.A } })).status()).toBe(200);
    expect([await onB(laptop), await onB(tablet)]).toEqual([401, 401]);

    // An admin, here through the jwt strategy's API, disables the user: B hears of it too.
    const desk = await handedOver();
    const admin = await playwright.request.newContext();
    const login = await admin.post(`${o.A}/api/jwt/login`, {
      data: { email: "alice@example.com", password: process.env.DEMO_PASSWORD ?? "lab-demo-password" },
    });
    const auth = { Authorization: `Bearer ${(await login.json()).token}` };
    const bobId = (await (await desk.request.get(`${o.A}/api/stateful/me`)).json()).user.id as string;
    try {
      expect((await admin.post(`${o.A}/api/jwt/admin/users/${bobId}/disable`, { headers: auth, data: { disabled: true } })).status()).toBe(
        200,
      );
      expect(await onB(desk)).toBe(401);
    } finally {
      expect((await admin.post(`${o.A}/api/jwt/admin/users/${bobId}/disable`, { headers: auth, data: { disabled: false } })).status()).toBe(
        200,
      );
    }
    for (const context of [phone, laptop, tablet, desk]) await context.close();
    await admin.dispose();
  });
});
