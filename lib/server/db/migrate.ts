// Applies pending Prisma migrations at start-up (lib/server/startup.ts) and from
// `npm run db:migrate`, without Prisma's native schema engine (it cannot be
// downloaded offline; DEVELOPERS.md says why the WASM engine is not used here).
//
// One loop over a small driver. Each turn opens a transaction that holds the
// migration lock, lists the applied rows, checks their checksums, runs the next
// pending migration and records it, then commits. So a migration and its row
// commit together or not at all (a failure leaves nothing; the next start
// retries it), and a process starting at the same time waits for the lock and
// then finds the migration applied.
//
// The bookkeeping is Prisma's `_prisma_migrations` table, written as the native
// engine writes it, so `prisma migrate status` / `deploy` read it: checksum =
// SHA-256 hex of migration.sql, applied_steps_count = 1, finished_at set;
// timestamps are timestamptz on PostgreSQL and Unix milliseconds on SQLite.
//
// The migrations folder is resolved from process.cwd() (the project root),
// never from this file: Next.js bundles this module.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import {
  migrationsDir as defaultMigrationsDir,
  prepareSqliteFile,
  providerForUrl,
  redactUrl,
  resolveDatabaseUrl,
  sqliteFilePath,
} from "./config";
import type { DatabaseProvider } from "./config";

/** Prisma's own lock key (schema engine, flavour/postgres.rs): also excludes a native `prisma migrate deploy`. */
const PRISMA_ADVISORY_LOCK_KEY = 72707369;
/** How long a starting process waits for another one's migrations. */
const LOCK_TIMEOUT_MS = 60_000;

// Prisma's DDL for each provider (plus IF NOT EXISTS: it runs under the lock on every turn).
const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
  "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`;
const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL,
  logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  applied_steps_count INTEGER NOT NULL DEFAULT 0)`;

// Rows Prisma counts as applied (`prisma migrate resolve --rolled-back` sets rolled_back_at).
const LIST_APPLIED = `SELECT "migration_name" AS "name", "checksum" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`;
const INSERT_COLUMNS = `"_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")`;

type Migration = { name: string; file: string; script: string; checksum: string };
type AppliedRow = { name: string; checksum: string };

/** What differs between SQLite and PostgreSQL. Every call between begin() and commit()/rollback() is one transaction. */
interface MigrationDriver {
  /** Start a transaction holding the migration lock until it ends; create `_prisma_migrations` if missing. */
  begin(): Promise<void>;
  appliedRows(): Promise<AppliedRow[]>;
  run(script: string): Promise<void>;
  record(migration: Migration, startedAt: Date, finishedAt: Date): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

export type ApplyMigrationsOptions = {
  /** Another migrations folder (tests); default: the provider's folder under process.cwd(). */
  migrationsDir?: string;
  /** Progress output; default console.log. */
  log?: (message: string) => void;
};

export type ApplyMigrationsResult = {
  provider: DatabaseProvider;
  migrationsDir: string;
  /** Applied by this call, in order. */
  applied: string[];
  /** In the folder and applied before this call. */
  alreadyApplied: string[];
  /** Applied according to the database but not in the folder (ignored, as Prisma does). */
  notInFolder: string[];
};

let previousCall: Promise<unknown> = Promise.resolve();

/**
 * Apply the pending migrations of prisma/migrations (SQLite) or prisma/postgres/migrations
 * (PostgreSQL) to `databaseUrl` (default: DATABASE_URL). Idempotent; safe from several processes at once.
 */
export function applyMigrations(databaseUrl?: string, options: ApplyMigrationsOptions = {}): Promise<ApplyMigrationsResult> {
  // One call at a time per process: better-sqlite3 is synchronous, so a second call
  // waiting for the first one's lock would block the thread the first one needs.
  const call = previousCall.then(() => applyPending(resolveDatabaseUrl(databaseUrl), options));
  previousCall = call.catch(() => undefined);
  return call;
}

async function applyPending(url: string, options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const provider = providerForUrl(url);
  const dir = options.migrationsDir ? path.resolve(options.migrationsDir) : defaultMigrationsDir(provider);
  const log = options.log ?? ((message: string) => console.log(`[db] ${message}`));
  const local = readMigrations(dir);
  const driver = provider === "sqlite" ? await openSqlite(url) : await openPostgres(url);
  const applied: string[] = [];
  let rows: AppliedRow[] = [];
  try {
    for (;;) {
      let next: Migration | undefined;
      try {
        await driver.begin().catch((error: unknown) => {
          throw new Error(`No migration lock on ${redactUrl(url)} within ${LOCK_TIMEOUT_MS / 1000} s: ${messageOf(error)}`);
        });
        rows = await driver.appliedRows();
        assertUnchanged(rows, local);
        next = local.find((m) => !rows.some((row) => row.name === m.name));
        if (next) {
          const startedAt = new Date();
          await driver.run(next.script);
          await driver.record(next, startedAt, new Date());
        }
        await driver.commit();
      } catch (error) {
        await driver.rollback().catch(() => undefined); // fails only if the error already ended the transaction
        if (!next) throw error;
        throw new Error(
          `Migration ${next.name} failed and was rolled back: none of it is applied, and the next start retries it.\n` +
            `  file: ${next.file}\n  database error: ${messageOf(error)}`,
          { cause: error },
        );
      }
      if (!next) break;
      applied.push(next.name);
      log(`Applied migration ${next.name}`);
    }
  } finally {
    await driver.close();
  }
  const names = rows.map((row) => row.name);
  const alreadyApplied = local.filter((m) => names.includes(m.name) && !applied.includes(m.name)).map((m) => m.name);
  if (applied.length === 0) log(`No pending migrations (${alreadyApplied.length} applied).`);
  const notInFolder = names.filter((name) => !local.some((m) => m.name === name));
  return { provider, migrationsDir: dir, applied, alreadyApplied, notInFolder };
}

/** Every `<dir>/<name>/migration.sql`, sorted by name (Prisma's order: names start with a timestamp). */
function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) throw new Error(`No migrations folder ${dir}: start from the project root (the folder is found from the cwd).`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      const bytes = fs.readFileSync(file);
      return { name, file, script: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    });
}

/** An applied migration whose file changed means the database's history is not the folder's: refuse to go on. */
function assertUnchanged(rows: AppliedRow[], local: Migration[]): void {
  const changed = local.filter((m) => rows.some((row) => row.name === m.name && row.checksum !== m.checksum));
  if (changed.length === 0) return;
  throw new Error(
    `A migration changed after it was applied to this database (its migration.sql no longer has the SHA-256 recorded then):\n` +
      changed.map((m) => `  ${m.name}: ${m.file}\n`).join("") +
      `Applied migrations must not change: restore the file (git checkout -- <file>) and put the change in a new migration ` +
      `(npm run db:migrate:create -- <name>). For a throw-away dev database, delete the database instead.`,
  );
}

async function openSqlite(url: string): Promise<MigrationDriver> {
  const { default: Database } = await import("better-sqlite3");
  const file = sqliteFilePath(url);
  prepareSqliteFile(file);
  // The busy timeout is how long BEGIN IMMEDIATE waits for another process's lock.
  const db = new Database(file, { timeout: LOCK_TIMEOUT_MS });
  // Prisma's SQLite scripts rebuild a changed table (copy, DROP the old one, rename) after
  // `PRAGMA foreign_keys=OFF`, a no-op inside a transaction: with enforcement on, that DROP
  // would cascade-delete every child row. So it is off here and checked before commit instead.
  db.pragma("foreign_keys = OFF");
  const exec = async (sql: string) => void db.exec(sql);
  return {
    // SQLite has no advisory lock: IMMEDIATE takes the database's write lock now, for the whole transaction.
    begin: () => exec(`BEGIN IMMEDIATE; ${SQLITE_MIGRATIONS_TABLE}`),
    appliedRows: async () => db.prepare(LIST_APPLIED).all() as AppliedRow[],
    async run(script) {
      db.exec(script);
      const violations = db.pragma("foreign_key_check") as unknown[];
      if (violations.length > 0) throw new Error(`${violations.length} foreign key violation(s), first: ${JSON.stringify(violations[0])}`);
    },
    async record(m, startedAt, finishedAt) {
      const values = [randomUUID(), m.checksum, m.name, startedAt.getTime(), finishedAt.getTime()]; // Unix ms, as Prisma's engine
      db.prepare(`INSERT INTO ${INSERT_COLUMNS} VALUES (?, ?, ?, ?, ?, 1)`).run(values);
    },
    commit: () => exec("COMMIT"),
    rollback: () => exec("ROLLBACK"),
    close: async () => void db.close(),
  };
}

async function openPostgres(url: string): Promise<MigrationDriver> {
  const { default: pg } = await import("pg");
  // `?schema=` is Prisma's URL convention (the app's client honours it), not libpq's.
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  const quotedSchema = schema && `"${schema.replace(/"/g, '""')}"`;
  parsed.searchParams.delete("schema");
  // Bounded: an unreachable database stops start-up with a message instead of hanging it.
  const client = new pg.Client({ connectionString: parsed.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  const exec = async (sql: string, params?: unknown[]) => void (await client.query(sql, params));
  if (quotedSchema) await exec(`SET search_path TO ${quotedSchema}`);
  return {
    async begin() {
      // READ COMMITTED whatever the server's default: once we hold the lock, we must see what its previous holder committed.
      await exec("BEGIN ISOLATION LEVEL READ COMMITTED");
      await exec(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`);
      await exec(`SELECT pg_advisory_xact_lock(${PRISMA_ADVISORY_LOCK_KEY})`); // released at COMMIT/ROLLBACK
      if (quotedSchema) await exec(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
      await exec(POSTGRES_MIGRATIONS_TABLE);
    },
    appliedRows: async () => (await client.query<AppliedRow>(LIST_APPLIED)).rows,
    run: (script) => exec(script),
    record: (m, startedAt, finishedAt) =>
      exec(`INSERT INTO ${INSERT_COLUMNS} VALUES ($1, $2, $3, $4, $5, 1)`, [randomUUID(), m.checksum, m.name, startedAt, finishedAt]),
    commit: () => exec("COMMIT"),
    rollback: () => exec("ROLLBACK"),
    close: () => client.end(),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
