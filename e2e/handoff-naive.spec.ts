import { HANDOFF_ROUTES, HANDOFF_START_PAGE, NAIVE_PAGE, NAIVE_STORAGE_KEY } from "../lib/handoff";
import { runHandoffScenario } from "../lib/server/handoff/scenario";
import { DEMO_PASSWORD, expect, signIn, test } from "./fixtures";
import { origins } from "./handoff-helpers";

// The naive contrast (one long-lived JWT both origins accept) next to the
// handoff, and the comparison scenario that measures the difference.

const bob = { email: "bob@example.com", password: DEMO_PASSWORD };
const alice = { email: "alice@example.com", password: DEMO_PASSWORD };

test("naive: one shared JWT, readable by any script, still accepted on B after sign-out and disabling on A", async ({
  page,
  playwright,
  baseURL,
}) => {
  const o = origins(baseURL);
  await signIn(page, "stateful", bob.email);
  await page.goto(NAIVE_PAGE);
  await expect(page.getByTestId("naive-label")).toContainText("Deliberately weak");
  await page.getByTestId("naive-get").click();
  await expect(page.getByTestId("naive-status")).toHaveAttribute("data-state", "accepted");

  await page.getByTestId("naive-open-partner").click();
  await page.waitForURL(`${o.B}${NAIVE_PAGE}`); // the fragment that carried it is gone from the address bar
  await expect(page.getByTestId("naive-status")).toHaveAttribute("data-state", "accepted");
  const token = await page.evaluate((key) => window.localStorage.getItem(key), NAIVE_STORAGE_KEY);
  expect(token).toMatch(/^eyJ/); // what an injected script on B would read, and send anywhere

  // Sign out on A, then have an admin disable the user: B keeps accepting the shared JWT.
  const outsider = await playwright.request.newContext();
  const onB = async () =>
    (await outsider.get(`${o.B}${HANDOFF_ROUTES.naiveMe}`, { headers: { Authorization: `Bearer ${token}` } })).status();
  const onA = async () =>
    (await outsider.get(`${o.A}${HANDOFF_ROUTES.naiveMe}`, { headers: { Authorization: `Bearer ${token}` } })).status();
  expect([await onA(), await onB()]).toEqual([200, 200]);
  expect((await page.context().request.post(`${o.A}/api/stateful/logout`, { headers: { Origin: o.A } })).status()).toBe(200);
  expect(await onB()).toBe(200);

  const admin = await playwright.request.newContext();
  await admin.post(`${o.A}/api/stateful/login`, { data: alice, headers: { Origin: o.A } });
  const { users } = await (await admin.get(`${o.A}/api/stateful/admin/users`)).json();
  const bobId = users.find((u: { email: string }) => u.email === bob.email).id as string;
  const setDisabled = (disabled: boolean) =>
    admin.post(`${o.A}/api/stateful/admin/users/${bobId}/disable`, { headers: { Origin: o.A }, data: { disabled } });
  try {
    expect((await setDisabled(true)).status()).toBe(200);
    expect([await onA(), await onB()]).toEqual([200, 200]);
    await page.reload();
    await expect(page.getByTestId("naive-status")).toHaveAttribute("data-state", "accepted");
  } finally {
    expect((await setDisabled(false)).status()).toBe(200);
  }
  await outsider.dispose();
  await admin.dispose();
});

test("the handoff page links the naive contrast, and the naive page on B has nothing until A gives it a token", async ({
  page,
  baseURL,
}) => {
  const o = origins(baseURL);
  await signIn(page, "stateful", bob.email);
  await page.goto(HANDOFF_START_PAGE);
  await page.getByRole("link", { name: "Try the naive shared JWT" }).click();
  await expect(page).toHaveURL(`${o.A}${NAIVE_PAGE}`);
  await page.goto(`${o.B}${NAIVE_PAGE}`);
  await expect(page.getByTestId("naive-status")).toHaveAttribute("data-state", "none");
});

test.describe("comparison scenario: sign out or disable on A, then poll B", () => {
  test("with the matrix profile the naive JWT expires within the run, long after the sign-out", async ({ baseURL }) => {
    const o = origins(baseURL);
    const naive = await runHandoffScenario({
      ...{ originA: o.A, originB: o.B, user: bob, pollIntervalMs: 250, observeMs: 18_000 },
      flow: "naive",
      event: "sign-out",
      profile: "matrix",
    });
    expect(naive.acceptedBefore).toBe(true);
    // 10 s lifetime plus 5 s of verifier tolerance, counted from an iat rounded down to the second.
    expect(naive.revocationLatencyMs).toBeGreaterThan(8_000);
    expect(naive.revocationLatencyMs).toBeLessThan(16_500);
  });

  for (const event of ["sign-out", "revoke-all", "disable"] as const) {
    test(`${event}: the handoff's B session is refused at once; the naive JWT is still accepted`, async ({ baseURL }) => {
      const o = origins(baseURL);
      const common = { originA: o.A, originB: o.B, event, user: bob, admin: alice, pollIntervalMs: 100, observeMs: 1500 };
      const handoff = await runHandoffScenario({ ...common, flow: "handoff" });
      expect(handoff.acceptedBefore).toBe(true);
      // The first probe, sent as soon as A answered, is already refused: no window at all.
      expect(handoff.samples[0]).toMatchObject({ accepted: false });
      expect(handoff.revocationLatencyMs).not.toBeNull();

      const naive = await runHandoffScenario({ ...common, flow: "naive" });
      expect(naive.acceptedBefore).toBe(true);
      expect(naive.revocationLatencyMs).toBeNull();
      expect(naive.samples.length).toBeGreaterThan(1);
      expect(naive.samples.every((s) => s.accepted)).toBe(true);
      expect(naive.observedMs).toBeGreaterThanOrEqual(1500);
      // …and it would be, for days: its own expiry is far beyond the run.
      expect(new Date(naive.credentialExpiresAt!).getTime() - Date.now()).toBeGreaterThan(24 * 3600 * 1000);
    });
  }
});
