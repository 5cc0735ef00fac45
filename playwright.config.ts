import { defineConfig } from "@playwright/test";
import { MITIGATION_IDS, type VariantId } from "./lib/catalog/variants";
import { STRATEGY_IDS } from "./lib/strategies";

// End-to-end tests against a production build (`next build` runs first, see
// scripts/test-all.sh). Debian's Chromium is used; Playwright never downloads
// a browser here. The database is reset and seeded by the web server command.

const PORT = Number(process.env.E2E_PORT ?? 3100);
// SECURITY_BASE_URL points the suite at another deployment (docs/security.md): no local server is started.
const REMOTE_BASE_URL = process.env.SECURITY_BASE_URL?.replace(/\/$/, "");
// The security suite, iterating lib/catalog/security-properties.ts (its own project, below).
const SECURITY_SPECS = /(^|[\\/])security[\\/][^\\/]+\.spec\.ts$/;
// By file name (the path of a checkout may contain "handoff" too).
const HANDOFF_SPECS = /(^|[\\/])handoff[^\\/]*\.spec\.ts$/;
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig<{ strategy: VariantId }>({
  testDir: "e2e",
  // The specs share the seeded demo users: one worker keeps them from racing each other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The security reporter writes what e2e/security observed to data/security-results.json (for /compare).
  reporter: [["list"], ...(process.env.CI ? [] : [["html", { open: "never" }] as const]), ["./e2e/security/reporter.ts"]],
  use: {
    baseURL: REMOTE_BASE_URL ?? `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    // Every spec once per strategy (the route groups' UI and the HTTP contract)…
    ...STRATEGY_IDS.map((strategy) => ({
      name: strategy,
      use: { strategy },
      testIgnore: [/(mitigations|compare[\w-]*)\.spec\.ts/, HANDOFF_SPECS, SECURITY_SPECS],
    })),
    // …the HTTP contract once per mitigation variant (they have no pages of their own)…
    ...MITIGATION_IDS.map((strategy) => ({ name: strategy, use: { strategy }, testMatch: /api-contract\.spec\.ts/ })),
    // …what only the mitigations do (refresh, denylist, version checks, the matrix profile), once…
    { name: "mitigations", testMatch: /mitigations\.spec\.ts/ },
    // …the comparison lab (its runs cover every variant themselves), once…
    { name: "compare", testMatch: /compare[\w-]*\.spec\.ts/ },
    // …and the cross-domain handoff, which depends on no strategy under test: once, between the two
    // origins localhost (A) and 127.0.0.1 (B), which the browser treats as two sites.
    { name: "handoff", testMatch: HANDOFF_SPECS },
    // …and the security properties, each asserted for every variant the catalog says it applies to.
    { name: "security", testMatch: SECURITY_SPECS },
  ],
  webServer: REMOTE_BASE_URL
    ? undefined
    : {
        command: `npx tsx scripts/reset-demo.ts && npx next start -p ${PORT}`,
        url: `http://localhost:${PORT}/`,
        reuseExistingServer: false,
        timeout: 120_000,
        env: {
          NEXT_TELEMETRY_DISABLED: "1",
          SESSION_LAB_DEMO: "1",
          DATABASE_URL: process.env.E2E_DATABASE_URL ?? "file:./data/e2e.db",
        },
        stdout: "pipe",
      },
});
