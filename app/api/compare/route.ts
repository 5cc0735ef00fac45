import { SCENARIO_IDS } from "@/lib/catalog/scenarios";
import { VARIANT_IDS } from "@/lib/catalog/variants";
import { DEFAULT_SETTINGS, PROBE_IDS, SETTING_BOUNDS } from "@/lib/compare/settings";
import { activeRunLease } from "@/lib/server/data/compare";
import { databaseProvider } from "@/lib/server/db/client";
import { loadEnv } from "@/lib/server/env";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { json } from "@/lib/server/http/route";

// What a comparison client needs to know before it starts: whether runs are
// allowed here, whether one is running, and what may be asked for.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  GET: labEndpoint({
    async handler() {
      const env = loadEnv();
      const active = await activeRunLease();
      return json({
        enabled: env.compareEnabled,
        processProfile: env.SESSION_PROFILE,
        database: databaseProvider(),
        activeRun: active && { since: active.since.toISOString(), expiresAt: active.expiresAt.toISOString() },
        variants: VARIANT_IDS,
        scenarios: SCENARIO_IDS,
        probes: PROBE_IDS,
        defaults: DEFAULT_SETTINGS,
        bounds: SETTING_BOUNDS,
      });
    },
  }),
});
