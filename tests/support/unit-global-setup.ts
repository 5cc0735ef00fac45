import { rmSync } from "node:fs";
import { applyMigrations } from "@/lib/server/db/migrate";
import { sqliteFilePath } from "@/lib/server/db/config";

// A fresh, migrated database for the unit tests that need one (the stateful
// strategy, the data layer). SQLite by default; TEST_DATABASE_URL may point at PostgreSQL.
export default async function setup() {
  const url = process.env.TEST_DATABASE_URL ?? "file:./data/unit-test.db";
  if (url.startsWith("file:")) {
    const file = sqliteFilePath(url);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
  }
  await applyMigrations(url, { log: () => {} });
}
