// The cross-domain handoff's comparison scenario against a running app
// (docs/handoff.md, "Measuring it"): for the one-time handoff and the naive
// shared JWT, sign out / revoke all / disable on origin A, then poll origin B
// until it refuses. Creates two throwaway accounts in the app's database
// (DATABASE_URL, as the app uses it) and deletes them afterwards.
//
//   npm run handoff:scenario                      # http://localhost:3000 → http://127.0.0.1:3000
//   npm run handoff:scenario -- --port 3350 --json
//   npm run handoff:scenario -- --a https://a.example --b https://b.example
//   npm run handoff:scenario -- --matrix --observe 17000   # the naive JWT lives 10 s: watch it expire
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createUser, deleteUser } from "@/lib/server/data/users";
import { getDb } from "@/lib/server/db/client";
import { expectedHandoffWindow, HANDOFF_EVENT_IDS, HANDOFF_FLOW_IDS } from "@/lib/catalog/handoff";
import { runHandoffScenario, type HandoffScenarioResult } from "@/lib/server/handoff/scenario";
import { hashPassword } from "@/lib/server/passwords";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    a: { type: "string" },
    b: { type: "string" },
    poll: { type: "string", default: "100" },
    observe: { type: "string", default: "3000" },
    json: { type: "boolean", default: false },
    // The naive JWT with the matrix profile's 10 s lifetime: with --observe 17000 its own expiry is observed too.
    matrix: { type: "boolean", default: false },
  },
});
const port = values.port ?? process.env.PORT ?? "3000";
const originA = values.a ?? process.env.HANDOFF_ORIGIN_A ?? `http://localhost:${port}`;
const originB = values.b ?? process.env.HANDOFF_ORIGIN_B ?? `http://127.0.0.1:${port}`;
const pollIntervalMs = Number(values.poll);
const observeMs = Number(values.observe);
if (!(pollIntervalMs >= 10 && pollIntervalMs <= 10_000) || !(observeMs >= 0 && observeMs <= 600_000)) {
  console.error("--poll takes 10–10000 ms, --observe 0–600000 ms.");
  process.exit(2);
}

const password = randomBytes(18).toString("base64url");
const passwordHash = await hashPassword(password);
const tag = randomBytes(4).toString("hex");
const user = await createUser({ email: `handoff-run-${tag}@example.test`, name: "Handoff run", role: "member", passwordHash });
const admin = await createUser({ email: `handoff-admin-${tag}@example.test`, name: "Handoff run admin", role: "admin", passwordHash });
const results: HandoffScenarioResult[] = [];
let failed = false;
try {
  for (const flow of HANDOFF_FLOW_IDS) {
    for (const event of HANDOFF_EVENT_IDS) {
      if (!values.json) process.stderr.write(`${flow} / ${event}… `);
      const result = await runHandoffScenario({
        originA,
        originB,
        flow,
        event,
        user: { email: user.email, password },
        admin: { email: admin.email, password },
        pollIntervalMs,
        observeMs,
        ...(values.matrix ? { profile: "matrix" as const } : {}),
      });
      results.push(result);
      // Against the catalog: refused on the first probe where it expects the next request; otherwise accepted
      // until the credential has expired by itself.
      const expectsNone = expectedHandoffWindow(flow, event, "production").seconds === 0;
      const expired = result.credentialExpiresAt !== null && Date.parse(result.credentialExpiresAt) <= Date.now();
      const asExpected =
        result.acceptedBefore && (expectsNone ? result.samples[0]?.accepted === false : result.revocationLatencyMs === null || expired);
      failed ||= !asExpected;
      if (!values.json) process.stderr.write(asExpected ? "ok\n" : "UNEXPECTED\n");
    }
  }
} finally {
  await deleteUser(user.id);
  await deleteUser(admin.id);
  await getDb().$disconnect();
}

if (values.json) {
  console.log(JSON.stringify({ originA, originB, pollIntervalMs, observeMs, results }, null, 2));
} else {
  console.log(`\nA = ${originA}, B = ${originB}; B polled every ${pollIntervalMs} ms, for up to ${observeMs} ms after the event.\n`);
  console.log("flow      event        B refused after           polls  credential expires by itself");
  for (const r of results) {
    const latency = r.revocationLatencyMs === null ? `still accepted at ${r.observedMs} ms` : `${r.revocationLatencyMs} ms`;
    console.log(
      `${r.flow.padEnd(9)} ${r.event.padEnd(12)} ${latency.padEnd(25)} ${String(r.samples.length).padStart(5)}  ${r.credentialExpiresAt ?? "?"}`,
    );
  }
}
process.exit(failed ? 1 : 0);
