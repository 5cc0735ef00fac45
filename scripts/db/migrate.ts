// Applies pending migrations to DATABASE_URL (default: the SQLite file
// data/session-lab.db), exactly as the app does at start:
//
//   npm run db:migrate
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sessionlab_dev npm run db:migrate
import { redactUrl, resolveDatabaseUrl } from "../../lib/server/db/config";
import { applyMigrations } from "../../lib/server/db/migrate";

const url = resolveDatabaseUrl();
try {
  const result = await applyMigrations(url);
  console.log(
    `[db] ${redactUrl(url)} (${result.provider}): ${result.applied.length} applied now, ` +
      `${result.alreadyApplied.length} already applied, from ${result.migrationsDir}`,
  );
  if (result.notInFolder.length > 0) {
    console.warn(`[db] warning: applied in the database but missing from the folder: ${result.notInFolder.join(", ")}`);
  }
} catch (err) {
  console.error(`[db] ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
