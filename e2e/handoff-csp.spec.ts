import { HANDOFF_START_PAGE, NAIVE_PAGE, PARTNER_HOME, PARTNER_SESSION_PAGE } from "../lib/handoff";
import { expectCleanPage, watchViolations } from "./csp-helpers";
import { expect, signIn, test } from "./fixtures";
import { handOverInBrowser, origins } from "./handoff-helpers";

// The handoff's pages (origin A's start page, the partner app on B, the naive
// shared-JWT contrast) under the nonce CSP of proxy.ts: see content-security-policy.spec.ts.

test("the handoff's pages on both origins run under the CSP without a violation", async ({ page, baseURL }) => {
  const o = origins(baseURL);
  const violations = await watchViolations(page);
  await signIn(page, "stateful", "bob@example.com");
  await expectCleanPage(page, `${o.A}${HANDOFF_START_PAGE}`, violations);
  await handOverInBrowser(page, o);
  expect(await violations()).toEqual([]);
  for (const path of [`${o.B}${PARTNER_HOME}`, `${o.B}${PARTNER_SESSION_PAGE}`, `${o.A}${NAIVE_PAGE}`])
    await expectCleanPage(page, path, violations);
});
