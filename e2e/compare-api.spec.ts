import type { APIRequestContext, APIResponse } from "@playwright/test";
import { ERROR_STATUS, type ErrorCode } from "../lib/api-errors";
import { VARIANT_IDS } from "../lib/catalog/variants";
import type { RunEvent } from "../lib/compare/types";
import { DEMO_PASSWORD, expect, test } from "./fixtures";

// The comparison lab's endpoints under hostile input and across scopes:
// bad settings and bodies get 4xx with a code, two runs never overlap, a run
// admin can touch nothing but its own run's accounts, and leases and live
// split-screens answer only to their own token.

test.describe.configure({ mode: "serial" });

const SMALL_RUN = { variants: ["stateful"], scenarios: ["sign-out"], probes: [] };

async function expectError(res: APIResponse, code: ErrorCode) {
  expect(res.status(), await res.text()).toBe(ERROR_STATUS[code]);
  expect(res.headers()["content-type"]).toContain("application/json");
  const body = await res.json();
  expect(body.code).toBe(code);
  expect(typeof body.error).toBe("string");
  return body;
}

function events(text: string): RunEvent[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunEvent);
}

async function waitUntilIdle(request: APIRequestContext) {
  await expect.poll(async () => (await (await request.get("/api/compare")).json()).activeRun, { timeout: 20_000 }).toBeNull();
}

test.describe("comparison runs", () => {
  test("the status endpoint says what may be asked for", async ({ request }) => {
    const res = await request.get("/api/compare");
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ enabled: true, processProfile: "production", activeRun: null });
    expect(body.variants).toContain("jwt-refresh");
    expect(body.probes).toEqual(["lifetime", "csrf", "refresh-reuse", "parallel-refresh"]);
  });

  test("bad run requests get 4xx with a code, never a run", async ({ request }) => {
    const post = (data: unknown, headers: Record<string, string> = {}) =>
      request.post("/api/compare/runs", {
        // A Buffer goes byte for byte (Playwright would JSON-encode a string).
        data: Buffer.from(typeof data === "string" ? data : JSON.stringify(data)),
        headers: { "Content-Type": "application/json", ...headers },
      });
    await expectError(await post({ variants: ["stateful", "paseto"] }), "unknown_variant");
    await expectError(await post({ scenarios: ["time-travel"] }), "unknown_scenario");
    await expectError(await post({ probes: ["nope"] }), "unknown_scenario");
    await expectError(await post({ pollMs: 1 }), "invalid_timing");
    await expectError(await post({ pollMs: 1e15 }), "invalid_timing");
    await expectError(await post({ concurrency: -3 }), "invalid_timing");
    await expectError(await post({ marginSeconds: 3600 }), "invalid_timing");
    await expectError(await post({ pollMs: "fast" }), "invalid_body");
    await expectError(await post({ variants: { a: 1 } }), "invalid_body");
    await expectError(await post({ rogue: true }), "invalid_body");
    await expectError(await post("[1,2"), "malformed_json");
    await expectError(await post({ variants: ["x".repeat(20_000)] }), "body_too_large");
    await expectError(
      await request.post("/api/compare/runs", { data: "{}", headers: { "Content-Type": "text/plain" } }),
      "unsupported_media_type",
    );
    // A page of another site cannot start a run (or spend accounts).
    await expectError(await post({}, { Origin: "https://attacker.invalid" }), "csrf");
    await expectError(
      await request.post("/api/compare/leases", { data: { members: 1, admins: 0 }, headers: { Origin: "https://attacker.invalid" } }),
      "csrf",
    );
    await expectError(await request.put("/api/compare/runs", { data: {} }), "method_not_allowed");
    await expectError(await request.get("/api/compare/no-such-thing"), "not_found");
    await waitUntilIdle(request);
  });

  test("a small run streams its events, lands in the history, and frees the run slot", async ({ request }) => {
    const res = await request.post("/api/compare/runs", { data: SMALL_RUN });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/x-ndjson");
    const stream = events(await res.text());
    expect(stream[0]).toMatchObject({ type: "run-started", cells: [{ variant: "stateful", row: "sign-out" }] });
    expect(stream.map((e) => e.type)).toEqual(expect.arrayContaining(["cell-started", "sample", "cell-finished", "phase"]));
    const last = stream.at(-1)!;
    if (last.type !== "run-finished") throw new Error(`last event: ${JSON.stringify(last)}`);
    expect(last.result.cells[0]).toMatchObject({ verdict: "match", outcome: "immediate" });
    // Nothing secret in the result: no passwords, no tokens, no account emails.
    expect(JSON.stringify(last.result)).not.toMatch(/password|lab-runs\.invalid|eyJ/);
    const stored = await (await request.get(`/api/compare/runs/${last.result.id}`)).json();
    expect(stored.run).toMatchObject({ id: last.result.id, status: "done", source: "page", settings: { variants: ["stateful"] } });
    await waitUntilIdle(request);
  });

  test("two runs at once: the second is refused with 409 run_in_progress, and so is a CLI's lease", async ({
    request,
    playwright,
    baseURL,
  }) => {
    const other = await playwright.request.newContext({ baseURL });
    // A run of a few seconds: the refresh-reuse probe waits out the grace window.
    const first = request.post("/api/compare/runs", { data: { variants: ["jwt-refresh"], scenarios: [], probes: ["refresh-reuse"] } });
    await expect.poll(async () => (await (await other.get("/api/compare")).json()).activeRun, { timeout: 10_000 }).not.toBeNull();
    const refused = await expectError(await other.post("/api/compare/runs", { data: SMALL_RUN }), "run_in_progress");
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    await expectError(await other.post("/api/compare/leases", { data: { members: 1, admins: 0 } }), "run_in_progress");
    const done = events(await (await first).text()).at(-1)!;
    expect(done.type).toBe("run-finished"); // the first run was not disturbed
    await waitUntilIdle(request);
    await other.dispose();
  });

  test("closing the stream stops the run; it is recorded as aborted and its slot is freed", async ({ page, request }) => {
    await page.goto("/compare");
    const started = page.waitForResponse((r) => r.url().endsWith("/api/compare/runs") && r.request().method() === "POST");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await started;
    await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(page.getByTestId("run-status").getByRole("alert")).toContainText("Stopped");
    await waitUntilIdle(request);
    const { runs } = await (await request.get("/api/compare/runs?limit=1")).json();
    await expect.poll(async () => (await (await request.get(`/api/compare/runs/${runs[0].id}`)).json()).run.status).toBe("aborted");
  });

  test("history and exports refuse what they do not serve", async ({ request }) => {
    await expectError(await request.get("/api/compare/runs?limit=0"), "invalid_query");
    await expectError(await request.get("/api/compare/runs?limit=abc"), "invalid_query");
    await expectError(await request.get("/api/compare/runs?limit=1000"), "invalid_query");
    await expectError(await request.get("/api/compare/runs?before=yesterday"), "invalid_query");
    await expectError(await request.get("/api/compare/runs/no-such-run"), "not_found");
    await expectError(await request.get(`/api/compare/runs/${"x".repeat(200)}`), "not_found");
    await expectError(await request.get("/api/compare/runs/..%2F..%2Fetc/export"), "not_found");
    const { runs } = await (await request.get("/api/compare/runs?limit=5")).json();
    const done = runs.find(
      (r: { status: string; settings: { scenarios: string[] } }) => r.status === "done" && r.settings.scenarios.includes("sign-out"),
    );
    await expectError(await request.get(`/api/compare/runs/${done.id}/export?format=exe`), "invalid_query");
    const md = await request.get(`/api/compare/runs/${done.id}/export?format=md`);
    expect(md.status()).toBe(200);
    expect(await md.text()).toContain("| Sign-out |");
  });
});

test.describe("leases: the CLI's accounts", () => {
  test("bad lease requests are refused", async ({ request }) => {
    for (const data of [
      {},
      { members: -1, admins: 0 },
      { members: 1e6, admins: 0 },
      { members: 1.5, admins: 0 },
      { members: "1", admins: 0 },
      { members: 1, admins: 0, role: "admin" },
    ]) {
      await expectError(await request.post("/api/compare/leases", { data }), "invalid_body");
    }
    await expectError(await request.post("/api/compare/leases", { data: { members: 0, admins: 0 } }), "invalid_body");
    await expectError(await request.get("/api/compare/leases"), "method_not_allowed");
  });

  test("a run's admin acts on its own run's accounts only; the demo admin never sees them; the lease answers to its token only", async ({
    playwright,
    baseURL,
  }) => {
    const api = await playwright.request.newContext({ baseURL });
    const created = await api.post("/api/compare/leases", { data: { members: 1, admins: 1 } });
    expect(created.status()).toBe(201);
    const { lease, accounts } = await created.json();
    const member = accounts.find((a: { role: string }) => a.role === "member");
    const runAdmin = accounts.find((a: { role: string }) => a.role === "admin");
    expect(member.email).toMatch(/@lab-runs\.invalid$/);

    const signIn = async (email: string, password: string) => {
      const ctx = await playwright.request.newContext({ baseURL });
      expect((await ctx.post("/api/stateful/login", { data: { email, password } })).status()).toBe(200);
      return ctx;
    };
    const asRunAdmin = await signIn(runAdmin.email, runAdmin.password);
    const asAlice = await signIn("alice@example.com", DEMO_PASSWORD);
    const users = async (ctx: APIRequestContext) =>
      (await (await ctx.get("/api/stateful/admin/users")).json()).users as { id: string; email: string }[];

    const theirs = await users(asRunAdmin);
    expect(theirs.map((u) => u.email).sort()).toEqual([member.email, runAdmin.email].sort());
    const demo = await users(asAlice);
    expect(demo.some((u) => u.email.endsWith("@lab-runs.invalid"))).toBe(false);
    const bob = demo.find((u) => u.email === "bob@example.com")!;
    const alice = demo.find((u) => u.email === "alice@example.com")!;

    // The run's admin cannot disable, demote or revoke a demo user: not found, and nothing changes.
    await expectError(await asRunAdmin.post(`/api/stateful/admin/users/${bob.id}/disable`, { data: { disabled: true } }), "not_found");
    await expectError(await asRunAdmin.post(`/api/stateful/admin/users/${alice.id}/role`, { data: { role: "member" } }), "not_found");
    await expectError(await asRunAdmin.post(`/api/stateful/admin/users/${bob.id}/revoke`), "not_found");
    expect((await users(asAlice)).find((u) => u.id === bob.id)).toMatchObject({ email: "bob@example.com" });
    const bobSignsIn = await signIn("bob@example.com", DEMO_PASSWORD); // bob is not disabled
    await bobSignsIn.dispose();
    // …nor the demo admin the run's accounts.
    await expectError(await asAlice.post(`/api/stateful/admin/users/${member.id}/disable`, { data: { disabled: true } }), "not_found");
    // Within its own run it can.
    expect((await asRunAdmin.post(`/api/stateful/admin/users/${member.id}/role`, { data: { role: "admin" } })).status()).toBe(200);

    // Releasing: only with the lease's own token.
    await expectError(await api.delete(`/api/compare/leases/${lease.id}`), "not_found");
    await expectError(await api.delete(`/api/compare/leases/${lease.id}`, { headers: { "X-Lease-Token": "guess" } }), "not_found");
    await expectError(await api.delete(`/api/compare/leases/${lease.id}`, { headers: { "X-Lease-Token": "x".repeat(5000) } }), "not_found");
    const released = await api.delete(`/api/compare/leases/${lease.id}`, { headers: { "X-Lease-Token": lease.token } });
    expect(await released.json()).toEqual({ ok: true, accountsDeleted: 2 });
    await expectError(await api.delete(`/api/compare/leases/${lease.id}`, { headers: { "X-Lease-Token": lease.token } }), "not_found");
    // The accounts and their sessions are gone.
    await expectError(await asRunAdmin.get("/api/stateful/me"), "not_signed_in");
    await expectError(
      await api.post("/api/stateful/login", { data: { email: member.email, password: member.password } }),
      "invalid_credentials",
    );
    for (const ctx of [api, asRunAdmin, asAlice]) await ctx.dispose();
  });
});

test.describe("live split-screen", () => {
  test("panes of every variant, an admin panel, and a token nobody else has", async ({ request }) => {
    await expectError(await request.post("/api/compare/live", { data: { profile: "forever" } }), "invalid_body");
    await expectError(await request.post("/api/compare/live", { data: { profile: "production", extra: 1 } }), "invalid_body");
    const created = await request.post("/api/compare/live", { data: { profile: "production" } });
    expect(created.status()).toBe(201);
    const { lab, token } = await created.json();
    const get = (t?: string) => request.get(`/api/compare/live/${lab.id}`, { headers: t ? { "X-Live-Token": t } : {} });
    await expectError(await get(), "not_found");
    await expectError(await get("not-the-token"), "not_found");
    const act = (action: string, t = token) =>
      request.post(`/api/compare/live/${lab.id}/actions`, { data: { action }, headers: { "X-Live-Token": t } });
    await expectError(await act("demote", "not-the-token"), "not_found");
    await expectError(
      await request.post(`/api/compare/live/${lab.id}/actions`, { data: { action: "drop-tables" }, headers: { "X-Live-Token": token } }),
      "invalid_body",
    );

    const panes = async () =>
      Object.fromEntries(
        ((await (await get(token)).json()).panes as { variant: string; accepted: boolean; session: { role: string } | null }[]).map((p) => [
          p.variant,
          p,
        ]),
      ) as Record<string, { accepted: boolean; session: { role: string } | null }>;
    const before = await panes();
    expect(Object.keys(before).sort()).toEqual([...VARIANT_IDS].sort());
    for (const p of Object.values(before)) expect(p).toMatchObject({ accepted: true, session: { role: "admin" } });

    expect((await act("demote")).status()).toBe(200);
    const demoted = await panes();
    expect(demoted.stateful!.session!.role).toBe("member"); // read from the database
    expect(demoted["stateful-cache"]!.session!.role).toBe("member"); // the role change evicted the cached row
    expect(demoted["nextauth-refresh"]!.session!.role).toBe("member"); // re-read per request
    expect(demoted.jwt!.session!.role).toBe("admin"); // stale: signed into the token

    expect((await act("disable")).status()).toBe(200);
    const disabled = await panes();
    expect(disabled.stateful!.accepted).toBe(false);
    expect(disabled["cookie-version"]!.accepted).toBe(false);
    expect(disabled.jwt!.accepted).toBe(true); // until it expires

    const closed = await request.delete(`/api/compare/live/${lab.id}`, { headers: { "X-Live-Token": token } });
    expect(closed.status()).toBe(200);
    await expectError(await get(token), "not_found");
  });

  test("at most three are open at once", async ({ request }) => {
    const opened: { id: string; token: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request.post("/api/compare/live", { data: {} });
      expect(res.status()).toBe(201);
      const body = await res.json();
      opened.push({ id: body.lab.id, token: body.token });
    }
    const refused = await expectError(await request.post("/api/compare/live", { data: {} }), "live_lab_limit");
    expect(refused.limit).toBe(3);
    for (const l of opened)
      expect((await request.delete(`/api/compare/live/${l.id}`, { headers: { "X-Live-Token": l.token } })).status()).toBe(200);
  });
});
