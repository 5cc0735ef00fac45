import { HANDOFF_ROUTES, HANDOFF_START_PAGE, NAIVE_PAGE, NAIVE_STORAGE_KEY } from "../lib/handoff";
import { httpAccountSource } from "../lib/compare/accounts";
import { handoffTargets } from "../lib/compare/cross-domain";
import { runMatrix } from "../lib/compare/engine";
import { parseRunSettings } from "../lib/compare/settings";
import { DEMO_PASSWORD, expect, signIn, test } from "./fixtures";
import { origins } from "./handoff-helpers";

// The naive contrast (one long-lived JWT both origins accept) next to the
// handoff, and the comparison rows that measure the difference.

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

test("the comparison's cross-domain rows: B refuses the handoff's session at once, the naive JWT only at its expiry", async ({
  baseURL,
}) => {
  test.setTimeout(90_000);
  const o = origins(baseURL);
  const parsed = parseRunSettings({
    variants: ["stateful", "jwt", "cookie"],
    scenarios: ["cross-domain-sign-out", "cross-domain-disable"],
    probes: [],
  });
  if (!parsed.ok) throw new Error(parsed.error);
  // The engine as `npm run compare` drives it: accounts of its own (a lease), the app's two origins as targets.
  const target = { baseUrl: o.A };
  const result = await runMatrix({
    id: "e2e_handoff",
    source: "cli",
    settings: parsed.settings,
    target,
    targets: handoffTargets({ a: o.A, b: o.B }),
    label: o.A,
    accounts: httpAccountSource(target),
  });
  expect(result.status).toBe("done");
  const cell = (variant: string, row: string) => result.cells.find((c) => c.variant === variant && c.row === row)!;
  for (const row of ["cross-domain-sign-out", "cross-domain-disable"]) {
    // The first replay of B's session after the event is already refused: no window at all.
    expect(cell("stateful", row)).toMatchObject({ verdict: "match", outcome: "immediate" });
    expect(cell("stateful", row).samples.find((s) => s.s >= 0)?.state).toBe("rejected");
    // The shared JWT outlives the event and dies only with its own (matrix) lifetime: 10 s + 5 s tolerance.
    expect(cell("jwt", row)).toMatchObject({ verdict: "match", outcome: "expiry" });
    expect(cell("jwt", row).observation!.closedAfter!.high).toBeGreaterThan(8_000);
    expect(cell("jwt", row).production).toBe("the old credential keeps working for up to 7 days (+5 s tolerance)");
    expect(cell("cookie", row).verdict).toBe("n/a");
  }
  expect(result.counts).toMatchObject({ match: 4, mismatch: 0, error: 0, na: 2 });
});
