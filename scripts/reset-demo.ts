// Reset the demo data: apply migrations, delete every row, seed the demo
// accounts again. Uses DATABASE_URL like the app (default: the SQLite file in data/).
import { applyMigrations } from "@/lib/server/db/migrate";
import { getDb } from "@/lib/server/db/client";
import { redactUrl } from "@/lib/server/db/config";
import { resetDemoData } from "@/lib/server/demo-data";
import { loadEnv } from "@/lib/server/env";

const env = loadEnv();
await applyMigrations(env.DATABASE_URL);
if (env.seedPassword === null) {
  console.error("[session-lab] reset-demo seeds the demo accounts: run it in the demo (SESSION_LAB_DEMO=1) or set a strong DEMO_PASSWORD.");
  process.exit(1);
}
await resetDemoData(env.seedPassword);
console.log(`[session-lab] demo data reset (${redactUrl(env.DATABASE_URL)})`);
await getDb().$disconnect();
