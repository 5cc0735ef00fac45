import { describe, expect, it } from "vitest";
import * as login from "@/app/api/[strategy]/login/route";
import { createSignInThrottle, SIGN_IN_LIMITS } from "@/lib/server/auth/throttle";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { callRoute } from "../support/routes";

const LIMITS = { accountFailures: 3, clientFailures: 5, windowSeconds: 60, blockSeconds: 60 };

describe("sign-in throttle (rate-limiter-flexible)", () => {
  it("blocks an account after its failures, whatever the client, and says for how long", async () => {
    const throttle = createSignInThrottle(LIMITS);
    for (let i = 0; i < 3; i++) {
      expect(await throttle.retryAfterSeconds("Ann@Example.com", `10.0.0.${i}`)).toBe(0);
      await throttle.recordFailure("ann@example.com", `10.0.0.${i}`);
    }
    const wait = await throttle.retryAfterSeconds(" ANN@example.com ", "10.9.9.9");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await throttle.retryAfterSeconds("bob@example.com", "10.9.9.9")).toBe(0);
  });

  it("a success resets the account's count: mistakes followed by a success never block", async () => {
    const throttle = createSignInThrottle(LIMITS);
    for (let round = 0; round < 5; round++) {
      await throttle.recordFailure("cy@example.com", `10.1.0.${round}`);
      await throttle.recordFailure("cy@example.com", `10.1.0.${round}`);
      await throttle.recordSuccess("cy@example.com");
      expect(await throttle.retryAfterSeconds("cy@example.com", `10.1.0.${round}`)).toBe(0);
    }
  });

  it("blocks a client failing across many accounts, not other clients", async () => {
    const throttle = createSignInThrottle(LIMITS);
    for (let i = 0; i < 5; i++) await throttle.recordFailure(`victim${i}@example.com`, "10.2.0.1");
    expect(await throttle.retryAfterSeconds("someone-new@example.com", "10.2.0.1")).toBeGreaterThan(0);
    expect(await throttle.retryAfterSeconds("someone-new@example.com", "10.2.0.2")).toBe(0);
  });
});

describe("POST /api/{s}/login is throttled", () => {
  it(`answers 429 rate_limited with Retry-After after ${SIGN_IN_LIMITS.accountFailures} failures, even for the right password`, async () => {
    const { email } = await newUser();
    const attempt = (password: string, client = "10.3.0.1") =>
      callRoute(login.POST, "jwt", "login", { method: "POST", body: { email, password }, headers: { "x-forwarded-for": client } });
    for (let i = 0; i < SIGN_IN_LIMITS.accountFailures; i++) expect((await attempt("wrong-password")).status).toBe(401);
    const refused = await attempt(TEST_PASSWORD, "10.3.0.2");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: "rate_limited", retryAfterSeconds: expect.any(Number) });
    // Another account is not affected.
    const other = await newUser();
    const ok = await callRoute(login.POST, "jwt", "login", { method: "POST", body: { email: other.email, password: TEST_PASSWORD } });
    expect(ok.status).toBe(200);
  }, 60_000);
});
