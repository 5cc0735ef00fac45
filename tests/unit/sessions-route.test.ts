import { describe, expect, it } from "vitest";
import * as login from "@/app/api/[strategy]/login/route";
import * as sessions from "@/app/api/[strategy]/sessions/route";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { callRoute, cookiesOf } from "../support/routes";

// GET /api/{s}/sessions: paged, signed-in only, and bad paging input is a 400, never a 500.

async function signedIn(email: string) {
  const res = await callRoute(login.POST, "stateful", "login", { method: "POST", body: { email, password: TEST_PASSWORD } });
  expect(res.status).toBe(200);
  return cookiesOf(res);
}

describe("GET /api/stateful/sessions", () => {
  it("pages the caller's own sessions with nextCursor, and never shows another user's", async () => {
    const { email } = await newUser();
    const devices = [await signedIn(email), await signedIn(email), await signedIn(email)];
    const other = await newUser();
    await signedIn(other.email);
    const page = async (query: string) => {
      const res = await callRoute(sessions.GET, "stateful", `sessions${query}`, { cookies: devices[0] });
      expect(res.status).toBe(200);
      return (await res.json()) as { sessions: { id: string; current: boolean }[]; nextCursor: string | null };
    };
    const first = await page("?limit=2");
    expect(first.sessions).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await page(`?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.sessions).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.sessions, ...second.sessions].map((s) => s.id);
    expect(new Set(ids).size).toBe(3);
    expect([...first.sessions, ...second.sessions].filter((s) => s.current)).toHaveLength(1);
  });

  it("answers 400 invalid_query to a bad limit or a forged cursor, and 401 without a session", async () => {
    const { email } = await newUser();
    const cookies = await signedIn(email);
    const forged = Buffer.from(JSON.stringify({ t: "x", id: "'; DROP TABLE" })).toString("base64url");
    for (const query of [
      "?limit=0",
      "?limit=-1",
      "?limit=1e3",
      "?limit=%00",
      `?cursor=${forged}`,
      "?cursor=%%%",
      `?cursor=${"A".repeat(5000)}`,
    ]) {
      const res = await callRoute(sessions.GET, "stateful", `sessions${query}`, { cookies });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(await res.json()).toMatchObject({ code: "invalid_query" });
    }
    const anonymous = await callRoute(sessions.GET, "stateful", "sessions?limit=0");
    expect(anonymous.status).toBe(401);
  });
});
