import { expectCleanPage, watchViolations } from "./csp-helpers";
import { expect, signIn, test } from "./fixtures";

// Every page is served with a nonce-based Content-Security-Policy (proxy.ts),
// and the app really runs under it: no page of any strategy, of the handoff or
// of /compare trips a violation, and its scripts ran (the page is interactive).

test("every page of this strategy runs under the nonce CSP without a violation", async ({ page, strategy }) => {
  const violations = await watchViolations(page);
  for (const path of ["/", "/compare", `/${strategy}/login`]) await expectCleanPage(page, path, violations);
  await signIn(page, strategy, "alice@example.com"); // proves the sign-in form's scripts ran
  for (const section of ["", "/notes", "/devices", "/settings", "/admin"])
    await expectCleanPage(page, `/${strategy}${section}`, violations);
  expect(await violations()).toEqual([]);
});

test("each page gets its own nonce", async ({ page, strategy }) => {
  const nonce = async () => (await page.goto(`/${strategy}/login`))?.headers()["content-security-policy"]?.match(/'nonce-([^']+)'/)?.[1];
  const [a, b] = [await nonce(), await nonce()];
  expect(a).toBeTruthy();
  expect(a).not.toBe(b);
});
