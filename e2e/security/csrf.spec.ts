import { randomBytes } from "node:crypto";
import { VARIANT_IDS, VARIANTS, type VariantId } from "../../lib/catalog/variants";
import { applies, expect, leaseAccounts, sessionSetCookies, setCookies, signIn, test, verdict } from "./helpers";

// CSRF and CORS: localhost and 127.0.0.1 are two sites to the browser, and another port of localhost is a
// same-site attacker (SameSite=Lax cookies still ride along, so only the Origin check stands in the way).
// Attacker pages are served by Playwright's router on an origin where nothing listens.

/** Every state-changing route, with a body where it needs one. */
function mutations(adminId: string): { method: string; path: string; data?: unknown }[] {
  return [
    { method: "POST", path: "logout" },
    { method: "POST", path: "logout-all" },
    { method: "POST", path: "password", data: { currentPassword: "x", newPassword: "attacker-chosen-password" } },
    { method: "PATCH", path: "profile", data: { name: "Pwned" } },
    { method: "POST", path: "notes", data: { title: "planted" } },
    { method: "DELETE", path: "notes/any-note" },
    { method: "DELETE", path: "sessions/any-session" },
    { method: "POST", path: `admin/users/${adminId}/role`, data: { role: "member" } },
    { method: "POST", path: `admin/users/${adminId}/disable`, data: { disabled: true } },
    { method: "POST", path: `admin/users/${adminId}/revoke` },
    { method: "POST", path: "refresh" },
  ];
}

function attackerOrigins(baseURL: string) {
  const url = new URL(baseURL);
  const sameSite = new URL(baseURL);
  sameSite.port = String(Number(url.port || 80) + 1);
  const crossSite = new URL(sameSite.origin);
  crossSite.hostname = url.hostname === "localhost" ? "127.0.0.1" : "localhost";
  return { sameSite: sameSite.origin, crossSite: crossSite.origin };
}

for (const variant of VARIANT_IDS) {
  test(`[X2] [X6] foreign Origins on every state-changing route, and login CSRF (${variant})`, async ({ playwright, baseURL }, info) => {
    const lease = await leaseAccounts(playwright, baseURL!, { members: 1, admins: 1 });
    try {
      const admin = lease.admins[0]!;
      const client = await signIn(playwright, baseURL!, variant, admin);
      const { sameSite } = attackerOrigins(baseURL!);
      const forged: Record<string, string>[] = [
        { Origin: "http://evil.test" },
        { Origin: sameSite },
        { Origin: "null" },
        { "Sec-Fetch-Site": "cross-site" },
        { "Sec-Fetch-Site": "same-site" },
      ];
      const ambientOnly = VARIANTS[variant].transport === "bearer";
      const outcomes: string[] = [];
      let refused = true;
      for (const route of mutations(admin.id)) {
        for (const headers of forged) {
          // The attacker's page can attach cookies (the jar), never the bearer header.
          const res = await client.api.fetch(`/api/${variant}/${route.path}`, {
            method: route.method,
            headers: { ...headers, ...(headers.Origin ? {} : { Origin: "" }) },
            data: route.data,
          });
          const code = res.status() === 204 ? "" : ((await res.json().catch(() => ({}))) as { code?: string }).code;
          // Cookie variants: 403 csrf. Bearer variants: nothing ambient authenticates it (401), or nothing to do (501/404/200 on public logout).
          const ok = VARIANTS[variant].originCheck
            ? res.status() === 403 && code === "csrf"
            : ambientOnly && route.path !== "logout" && route.path !== "refresh"
              ? res.status() === 401 || res.status() === 501
              : res.status() !== 500;
          if (!ok) {
            refused = false;
            outcomes.push(`${route.method} ${route.path} ${JSON.stringify(headers)} → ${res.status()} ${code}`);
          }
        }
      }
      // Nothing changed: still signed in, still an admin, name intact.
      const me = await client.api.get(`/api/${variant}/me`, { headers: client.headers });
      const body = me.status() === 200 ? await me.json() : null;
      const intact = me.status() === 200 && body.database.role === "admin" && body.database.name !== "Pwned" && !body.database.disabled;
      verdict(
        info,
        "X2",
        variant,
        refused && intact,
        `${mutations(admin.id).length} routes × ${forged.length} forged origins: ${outcomes.length === 0 ? "all refused" : outcomes.slice(0, 3).join("; ")}; account intact: ${intact}`,
      );

      // X6: a foreign page signs the victim's browser in as the attacker.
      const attacker = lease.accounts.find((a) => a.role === "member")!;
      const loginCsrf = await client.api.post(`/api/${variant}/login`, {
        data: { email: attacker.email, password: attacker.password },
        headers: { Origin: "http://evil.test" },
      });
      const planted =
        sessionSetCookies(loginCsrf, variant).length + setCookies(loginCsrf).filter((l) => /lab-jwt-refresh=[^;]/.test(l)).length;
      const x6 = VARIANTS[variant].originCheck ? loginCsrf.status() === 403 && planted === 0 : planted === 0;
      verdict(info, "X6", variant, x6, `cross-site login → ${loginCsrf.status()}, credential cookies set: ${planted}`);
      await client.api.dispose();
    } finally {
      await lease.release();
    }
  });
}

const withPages = (v: VariantId) => VARIANTS[v].originCheck;

for (const variant of VARIANT_IDS.filter(withPages)) {
  test(`[X2] [X1] a same-site and a cross-site page auto-submit text/plain forms; a forged server action (${variant})`, async ({
    browser,
    baseURL,
    playwright,
  }, info) => {
    const lease = await leaseAccounts(playwright, baseURL!, { members: 1, admins: 0 });
    const context = await browser.newContext();
    try {
      const member = lease.members[0]!;
      const origin = new URL(baseURL!).origin;
      // Signing in through the context's request shares its cookie jar with its pages.
      const login = await context.request.post(`/api/${variant}/login`, { data: member, headers: { Origin: origin } });
      expect(login.status()).toBe(200);
      const target = variant === "jwt-refresh" ? "refresh" : "logout";
      const statuses: number[] = [];
      for (const attacker of Object.values(attackerOrigins(baseURL!))) {
        const page = await context.newPage();
        await page.route(`${attacker}/**`, (route) =>
          route.fulfill({
            contentType: "text/html",
            body: `<!doctype html><form id="f" method="POST" enctype="text/plain" action="${origin}/api/${variant}/${target}">
                   <input name='{"name":"Pwned","x":"' value='"}'></form><script>document.getElementById("f").submit()</script>`,
          }),
        );
        const response = page.waitForResponse((r) => r.url().startsWith(`${origin}/api/${variant}/${target}`));
        await page.goto(`${attacker}/attack.html`);
        statuses.push((await response).status());
        await page.close();
      }
      const check =
        variant === "jwt-refresh"
          ? await context.request.post(`/api/${variant}/refresh`, { headers: { Origin: origin } })
          : await context.request.get(`/api/${variant}/me`);
      verdict(
        info,
        "X2",
        variant,
        statuses.every((s) => s === 403) && check.status() === 200,
        `text/plain form from a same-site and a cross-site page → ${statuses.join(", ")}; session afterwards → ${check.status()}`,
      );

      if (applies("X1", variant)) {
        // No server action exists: a forged Next-Action POST to a signed-in page, foreign Origin or none, changes nothing.
        const page = `/${VARIANTS[variant].base}/settings`;
        const action = randomBytes(21).toString("hex");
        const results: number[] = [];
        const origins: Record<string, string>[] = [{ Origin: "http://evil.test" }, {}];
        for (const headers of origins) {
          const res = await context.request.post(page, {
            headers: { ...headers, "Next-Action": action, "Content-Type": "text/plain;charset=UTF-8" },
            data: JSON.stringify([{ name: "Pwned" }]),
            maxRedirects: 0,
          });
          results.push(res.status());
        }
        const me = await context.request.get(`/api/${variant}/me`);
        const name = me.status() === 200 ? (await me.json()).database.name : null;
        verdict(
          info,
          "X1",
          variant,
          results.every((s) => s < 200 || s >= 300) && me.status() === 200 && name !== "Pwned",
          `Next-Action POST (foreign Origin, no Origin) → ${results.join(", ")}; session ${me.status()}, name unchanged: ${name !== "Pwned"}`,
        );
      }
    } finally {
      await context.close();
      await lease.release();
    }
  });
}

for (const variant of VARIANT_IDS.filter((v) => applies("X7", v))) {
  test(`[X7] Auth.js's own endpoints: foreign Origin and oversized bodies (${variant})`, async ({ request, baseURL }, info) => {
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    const results: string[] = [];
    const evil = { ...form, Origin: "http://evil.test" };
    for (const path of ["/api/auth/callback/credentials", "/api/auth/signout"]) {
      const res = await request.post(path, { headers: evil, data: "email=a%40b.c&password=x&csrfToken=x", maxRedirects: 0 });
      results.push(`${path} foreign Origin → ${res.status()}`);
    }
    const big = await request.post("/api/auth/callback/credentials", {
      headers: { ...form, Origin: new URL(baseURL!).origin },
      data: `email=${"a".repeat(64 * 1024)}`,
      maxRedirects: 0,
    });
    results.push(`64 KiB body → ${big.status()}`);
    const ok = results.slice(0, 2).every((r) => r.endsWith("403")) && big.status() === 413;
    verdict(info, "X7", variant, ok, results.join("; "));
  });
}
