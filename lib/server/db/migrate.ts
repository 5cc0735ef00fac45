// Applies pending Prisma migrations at app start (instrumentation) and from
// scripts (`npm run db:migrate`), without Prisma's native schema engine.
//
// Bookkeeping is Prisma's own: the `_prisma_migrations` table with the same
// DDL as the schema engine, one row per applied migration, checksum = SHA-256
// hex of migration.sql, applied_steps_count = 1 and finished_at set on
// success, timestamps written the way the native engine writes them (SQLite:
// integer Unix milliseconds; PostgreSQL: timestamptz). So `prisma migrate
// deploy` / `migrate status` (where the native engine is available) and this
// module agree on what is applied, in either direction.
//
// Differences from `prisma migrate deploy`, all on the safe side:
// - Each migration runs in a transaction with its bookkeeping row. If it
//   fails, it is rolled back and the attempt is recorded as a rolled-back row
//   (logs = the error, rolled_back_at set, as `prisma migrate resolve
//   --rolled-back` would leave it); the migration stays pending and the next
//   run retries it. (Prisma runs scripts outside a transaction and leaves a
//   failed row that blocks deploys until resolved; such rows written by
//   Prisma are honoured here: we refuse to continue, like Prisma.)
// - Applied migrations whose migration.sql changed (checksum mismatch) are an
//   error here; `migrate deploy` ignores them (only `migrate dev` notices).
// - SQLite: foreign key enforcement is OFF on the migration connection (the
//   PRAGMA inside Prisma's table-redefinition scripts is a no-op inside a
//   transaction) and `PRAGMA foreign_key_check` must pass before COMMIT.
//
// Concurrency: SQLite serializes through BEGIN IMMEDIATE (every decision is
// re-checked under the write lock); PostgreSQL takes Prisma's own advisory
// lock (pg_advisory_lock(72707369)), which also excludes a concurrent native
// `prisma migrate deploy`.
//
// The migrations folder is resolved from process.cwd() (the project root),
// never from this file's location: Next.js bundles this module.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import {
  migrationsDir as defaultMigrationsDir,
  providerForUrl,
  redactUrl,
  resolveDatabaseUrl,
  sqliteFilePath,
  type DatabaseProvider,
} from "./config";

/** Prisma's advisory lock key (schema-engine, flavour/postgres.rs). */
const PRISMA_ADVISORY_LOCK_KEY = 72707369;
const MIGRATIONS_TABLE = "_prisma_migrations";

const SQLITE_CREATE_MIGRATIONS_TABLE = `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);
`;

const POSTGRES_CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

export type ApplyMigrationsOptions = {
  /** Project root; default process.cwd(). */
  cwd?: string;
  /** Override the migrations folder (absolute, or relative to cwd). */
  migrationsDir?: string;
  /** Progress output; default console.log. Pass `() => {}` to silence. */
  log?: (message: string) => void;
  /** How long to wait for another process's migration lock (ms); default 60s. */
  lockTimeoutMs?: number;
};

export type ApplyMigrationsResult = {
  provider: DatabaseProvider;
  migrationsDir: string;
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations in the folder that were already applied. */
  alreadyApplied: string[];
  /** Applied according to the database but absent from the folder (ignored, as Prisma does). */
  notInFolder: string[];
};

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export type LocalMigration = { name: string; script: string; checksum: string; file: string };

type MigrationRow = {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  started_at: unknown;
  logs: string | null;
};

// ---------------------------------------------------------------- shared logic

/** SHA-256 hex of the script, as the schema engine computes it. */
export function migrationChecksum(script: string | Buffer): string {
  return createHash("sha256").update(script).digest("hex");
}

/**
 * The schema engine's `script_matches_checksum`: line-ending agnostic (LF vs
 * CRLF, git may convert them), and accepting the legacy non-zero-padded hex
 * format of old engine versions.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, "\n"), script.replace(/\n/g, "\r\n")];
  return variants.some((v) => {
    const digest = createHash("sha256").update(v).digest();
    const formatted =
      checksum.length !== 64 && checksum.length > 0 ? [...digest].map((b) => b.toString(16)).join("") : digest.toString("hex");
    return formatted === checksum;
  });
}

/** Reads `<dir>/<name>/migration.sql` for every sub-folder, sorted by name (Prisma's order). */
export function readLocalMigrations(dir: string, provider: DatabaseProvider): LocalMigration[] {
  if (!fs.existsSync(dir)) {
    throw new MigrationError(`Migrations folder ${dir} does not exist (is process.cwd() the project root?).`);
  }
  const lock = path.join(dir, "migration_lock.toml");
  if (fs.existsSync(lock)) {
    const m = /^\s*provider\s*=\s*"([^"]*)"/m.exec(fs.readFileSync(lock, "utf8"));
    if (m && m[1] !== provider) {
      throw new MigrationError(
        `${lock} is for provider "${m[1]}", but DATABASE_URL is a ${provider} database. ` +
          `Use the migrations folder of the matching provider.`,
      );
    }
  }
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (err) {
        throw new MigrationError(`Cannot read ${file}: every folder in ${dir} must contain a migration.sql.`, {
          cause: err,
        });
      }
      return { name, script: bytes.toString("utf8"), checksum: migrationChecksum(bytes), file };
    });
}

const isApplied = (r: MigrationRow) => r.finished_at !== null && r.rolled_back_at === null;
const isFailed = (r: MigrationRow) => r.finished_at === null && r.rolled_back_at === null;

/** Prisma's P3009 check: an unfinished, not rolled back row blocks everything. */
function assertNoFailedMigrations(rows: MigrationRow[], provider: DatabaseProvider): void {
  const failed = rows.filter(isFailed);
  if (failed.length === 0) return;
  const details = failed
    .map((r) => `- \`${r.migration_name}\` (started at ${formatTime(r.started_at)})${r.logs ? `:\n${indent(r.logs.trim())}` : ""}`)
    .join("\n");
  throw new MigrationError(
    `Found failed migrations in ${MIGRATIONS_TABLE} (Prisma error P3009); no migration will be applied until they are resolved:\n${details}\n` +
      `The database may be partially migrated. Fix it by hand, then mark the migration as rolled back ` +
      `(\`npx prisma migrate resolve --rolled-back <name>\`, or: UPDATE "${MIGRATIONS_TABLE}" SET "rolled_back_at" = ${
        provider === "sqlite" ? "CAST(strftime('%s','now') AS INTEGER) * 1000" : "now()"
      } WHERE "migration_name" = '<name>' AND "finished_at" IS NULL;) and restart.`,
  );
}

/** Applied migrations whose file changed since: refuse to run against an unknown history. */
function assertChecksumsMatch(rows: MigrationRow[], local: LocalMigration[], dir: string): void {
  const byName = new Map(local.map((m) => [m.name, m]));
  const edited = rows.filter(isApplied).flatMap((r) => {
    const m = byName.get(r.migration_name);
    return m && !scriptMatchesChecksum(m.script, r.checksum) ? [{ row: r, m }] : [];
  });
  if (edited.length === 0) return;
  const details = edited
    .map(({ row, m }) => `- ${path.relative(process.cwd(), m.file) || m.file}: file sha256 ${m.checksum}, applied sha256 ${row.checksum}`)
    .join("\n");
  throw new MigrationError(
    `Migration(s) modified after they were applied to this database (checksum mismatch):\n${details}\n` +
      `Applied migrations must not change. Restore the original file(s) in ${dir} (e.g. \`git checkout -- <file>\`) ` +
      `and put the change in a new migration (\`npm run db:migrate:create -- <name>\`). ` +
      `For a throw-away dev database, delete it instead.`,
  );
}

function pendingOf(rows: MigrationRow[], local: LocalMigration[]): LocalMigration[] {
  const applied = new Set(rows.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
  return local.filter((m) => !applied.has(m.name));
}

function failureLogs(name: string, err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" || typeof e?.code === "number" ? String(e.code) : "none";
  const message = err instanceof Error ? err.message : String(err);
  return (
    `A migration failed to apply and was rolled back (lib/server/db/migrate.ts).\n\n` +
    `Migration name: ${name}\n\nDatabase error code: ${code}\n\nDatabase error:\n${message}\n`
  );
}

function formatTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value)).toISOString();
  return String(value);
}

function indent(s: string): string {
  return s.replace(/^/gm, "    ");
}

/**
 * Whether a script manages transactions itself: a BEGIN / COMMIT / ROLLBACK /
 * END TRANSACTION / START TRANSACTION statement at the start of a line
 * (comments ignored; a heuristic for hand-written migrations, which does not
 * match trigger or PL/pgSQL bodies written the usual way). Prisma never
 * generates these for SQLite/PostgreSQL.
 */
export function managesTransactions(script: string): boolean {
  const withoutComments = script.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
  return /^\s*(BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+(TRANSACTION|WORK))?|(COMMIT|ROLLBACK)(\s+(TRANSACTION|WORK))?|END\s+TRANSACTION|START\s+TRANSACTION[^;]*)\s*;/im.test(
    withoutComments,
  );
}

// ---------------------------------------------------------------- entry point

/**
 * Apply pending migrations from prisma/migrations (SQLite) or
 * prisma/postgres/migrations (PostgreSQL) to the database at `databaseUrl`
 * (default: DATABASE_URL, else the default SQLite file). Idempotent; safe to
 * call from several processes at once.
 */
export async function applyMigrations(
  databaseUrl: string = resolveDatabaseUrl(),
  options: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const url = resolveDatabaseUrl(databaseUrl);
  const provider = providerForUrl(url);
  const cwd = options.cwd ?? process.cwd();
  const dir = options.migrationsDir ? path.resolve(cwd, options.migrationsDir) : defaultMigrationsDir(provider, cwd);
  const log = options.log ?? ((m: string) => console.log(`[db] ${m}`));
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  const local = readLocalMigrations(dir, provider);

  const result =
    provider === "sqlite"
      ? await applySqlite(sqliteFilePath(url, cwd), local, dir, log, lockTimeoutMs)
      : await applyPostgres(url, local, dir, log, lockTimeoutMs);
  return { provider, migrationsDir: dir, ...result };
}

type ApplyOutcome = Omit<ApplyMigrationsResult, "provider" | "migrationsDir">;

function summarize(rows: MigrationRow[], local: LocalMigration[], applied: string[]): ApplyOutcome {
  const localNames = new Set(local.map((m) => m.name));
  const appliedNow = new Set(applied);
  const appliedRows = rows.filter(isApplied).map((r) => r.migration_name);
  return {
    applied,
    alreadyApplied: local.filter((m) => appliedRows.includes(m.name) && !appliedNow.has(m.name)).map((m) => m.name),
    notInFolder: [...new Set(appliedRows.filter((n) => !localNames.has(n)))],
  };
}

// ---------------------------------------------------------------- SQLite

async function applySqlite(
  file: string,
  local: LocalMigration[],
  dir: string,
  log: (m: string) => void,
  lockTimeoutMs: number,
): Promise<ApplyOutcome> {
  const { default: Database } = await import("better-sqlite3");
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  // `timeout` is SQLite's busy timeout: how long BEGIN IMMEDIATE waits for
  // another process's migration.
  const db = new Database(file, { timeout: lockTimeoutMs });

  const readRows = (): MigrationRow[] =>
    db
      .prepare(
        `SELECT "id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at" FROM "${MIGRATIONS_TABLE}" ORDER BY "started_at" ASC`,
      )
      .all() as MigrationRow[];
  const immediate = <T>(fn: () => T): T => db.transaction(fn).immediate();

  try {
    if (file !== ":memory:") db.pragma("journal_mode = WAL");
    // See the header: enforcement off on this connection only; checked with
    // foreign_key_check before each COMMIT instead.
    db.pragma("foreign_keys = OFF");

    immediate(() => {
      const tables = (db.prepare(`SELECT "name" FROM "sqlite_master" WHERE "type" = 'table'`).all() as { name: string }[]).map(
        (t) => t.name,
      );
      if (tables.includes(MIGRATIONS_TABLE)) return;
      const userTables = tables.filter((t) => !t.startsWith("sqlite_"));
      if (userTables.length > 0) throw notEmptyError(file, userTables);
      db.exec(SQLITE_CREATE_MIGRATIONS_TABLE);
    });

    const rows = readRows();
    assertNoFailedMigrations(rows, "sqlite");
    assertChecksumsMatch(rows, local, dir);

    const applied: string[] = [];
    for (const m of pendingOf(rows, local)) {
      if (managesTransactions(m.script)) {
        throw new MigrationError(
          `${m.file} contains transaction statements (BEGIN/COMMIT/...). On SQLite every migration runs inside ` +
            `a transaction managed by lib/server/db/migrate.ts; remove them.`,
        );
      }
      const id = randomUUID();
      const startedAt = Date.now();
      let outcome: "applied" | "skipped";
      try {
        outcome = immediate(() => {
          // Re-check under the write lock: another process may have been first.
          const fresh = readRows();
          assertNoFailedMigrations(fresh, "sqlite");
          assertChecksumsMatch(fresh, local, dir);
          if (pendingOf(fresh, [m]).length === 0) return "skipped";

          db.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" ("id", "checksum", "started_at", "migration_name") VALUES (?, ?, ?, ?)`).run(
            id,
            m.checksum,
            startedAt,
            m.name,
          );
          db.exec(m.script);
          const violations = db.pragma("foreign_key_check") as unknown[];
          if (violations.length > 0) {
            throw new Error(
              `PRAGMA foreign_key_check reports ${violations.length} foreign key violation(s) after the migration, ` +
                `first: ${JSON.stringify(violations[0])}`,
            );
          }
          db.prepare(`UPDATE "${MIGRATIONS_TABLE}" SET "applied_steps_count" = ("applied_steps_count" + ?) WHERE "id" = ?`).run(1, id);
          db.prepare(`UPDATE "${MIGRATIONS_TABLE}" SET "finished_at" = ? WHERE "id" = ?`).run(Date.now(), id);
          return "applied";
        });
      } catch (err) {
        if (err instanceof MigrationError) throw err;
        // The transaction was rolled back: the database is as before. Leave
        // an audit row, like `migrate resolve --rolled-back` would.
        try {
          immediate(() =>
            db
              .prepare(
                `INSERT INTO "${MIGRATIONS_TABLE}" ("id", "checksum", "started_at", "migration_name", "logs", "rolled_back_at", "applied_steps_count") VALUES (?, ?, ?, ?, ?, ?, 0)`,
              )
              .run(id, m.checksum, startedAt, m.name, failureLogs(m.name, err), Date.now()),
          );
        } catch {
          // best effort
        }
        throw rolledBackError(m, err);
      }
      if (outcome === "applied") {
        applied.push(m.name);
        log(`Applied migration ${m.name}`);
      }
    }
    const outcome = summarize(readRows(), local, applied);
    if (applied.length === 0) log(`No pending migrations (${outcome.alreadyApplied.length} already applied).`);
    return outcome;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- PostgreSQL

async function applyPostgres(
  url: string,
  local: LocalMigration[],
  dir: string,
  log: (m: string) => void,
  lockTimeoutMs: number,
): Promise<ApplyOutcome> {
  const { default: pg } = await import("pg");
  const { connectionString, schema } = splitPgSchema(url);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const q = async <R extends object = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await client.query<R>(sql, params)).rows;
  const readRows = () =>
    q<MigrationRow>(
      `SELECT "id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at" FROM "${MIGRATIONS_TABLE}" ORDER BY "started_at" ASC`,
    );

  let locked = false;
  try {
    if (schema) {
      await q(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await q(`SET search_path TO ${quoteIdent(schema)}`);
    }
    // Prisma's own lock: also excludes a concurrent native `prisma migrate deploy`.
    const deadline = Date.now() + lockTimeoutMs;
    for (;;) {
      const [row] = await q<{ locked: boolean }>(`SELECT pg_try_advisory_lock($1) AS "locked"`, [PRISMA_ADVISORY_LOCK_KEY]);
      if (row?.locked) break;
      if (Date.now() > deadline) {
        throw new MigrationError(
          `Timed out after ${lockTimeoutMs}ms waiting for the migration lock (pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})) on ${redactUrl(url)}: another process is migrating.`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    locked = true;

    const tables = (
      await q<{ table_name: string }>(
        `SELECT "table_name" FROM "information_schema"."tables" WHERE "table_schema" = current_schema() AND "table_type" = 'BASE TABLE'`,
      )
    ).map((t) => t.table_name);
    if (!tables.includes(MIGRATIONS_TABLE)) {
      if (tables.length > 0) throw notEmptyError(redactUrl(url), tables);
      await q(POSTGRES_CREATE_MIGRATIONS_TABLE);
    }

    const rows = await readRows();
    assertNoFailedMigrations(rows, "postgresql");
    assertChecksumsMatch(rows, local, dir);

    const applied: string[] = [];
    for (const m of pendingOf(rows, local)) {
      const id = randomUUID();
      const startedAt = new Date();
      const insertStarted = () =>
        q(`INSERT INTO "${MIGRATIONS_TABLE}" ("id", "checksum", "started_at", "migration_name") VALUES ($1, $2, $3, $4)`, [
          id,
          m.checksum,
          startedAt,
          m.name,
        ]);
      const markFinished = async () => {
        await q(`UPDATE "${MIGRATIONS_TABLE}" SET "applied_steps_count" = ("applied_steps_count" + $1) WHERE "id" = $2`, [1, id]);
        await q(`UPDATE "${MIGRATIONS_TABLE}" SET "finished_at" = $1 WHERE "id" = $2`, [new Date(), id]);
      };

      if (managesTransactions(m.script)) {
        // The script handles transactions itself: run it exactly like Prisma
        // (no wrapping transaction; a failure leaves a failed row, P3009).
        await insertStarted();
        try {
          await q(m.script);
        } catch (err) {
          await q(`UPDATE "${MIGRATIONS_TABLE}" SET "logs" = $1 WHERE "id" = $2`, [failureLogs(m.name, err), id]);
          throw new MigrationError(
            `Migration ${m.name} failed (it manages its own transactions, so it may be partially applied; recorded as failed, Prisma error P3009): ${errorMessage(err)}`,
            { cause: err },
          );
        }
        await markFinished();
      } else {
        try {
          await q("BEGIN");
          await insertStarted();
          await q(m.script);
          await markFinished();
          await q("COMMIT");
        } catch (err) {
          await q("ROLLBACK").catch(() => undefined);
          await q(
            `INSERT INTO "${MIGRATIONS_TABLE}" ("id", "checksum", "started_at", "migration_name", "logs", "rolled_back_at", "applied_steps_count") VALUES ($1, $2, $3, $4, $5, $6, 0)`,
            [id, m.checksum, startedAt, m.name, failureLogs(m.name, err), new Date()],
          ).catch(() => undefined);
          throw rolledBackError(m, err);
        }
      }
      applied.push(m.name);
      log(`Applied migration ${m.name}`);
    }
    const outcome = summarize(await readRows(), local, applied);
    if (applied.length === 0) log(`No pending migrations (${outcome.alreadyApplied.length} already applied).`);
    return outcome;
  } finally {
    if (locked) await q(`SELECT pg_advisory_unlock($1)`, [PRISMA_ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** `?schema=name` (Prisma's URL convention) is not a libpq parameter: split it off. */
export function splitPgSchema(url: string): { connectionString: string; schema: string | null } {
  const u = new URL(url);
  const schema = u.searchParams.get("schema");
  u.searchParams.delete("schema");
  return { connectionString: u.toString(), schema: schema || null };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function rolledBackError(m: LocalMigration, err: unknown): MigrationError {
  return new MigrationError(
    `Migration ${m.name} failed and was rolled back (the database is unchanged; the attempt is recorded in ${MIGRATIONS_TABLE} as rolled back, ` +
      `so it will be retried on the next run): ${errorMessage(err)}
  file: ${m.file}`,
    { cause: err },
  );
}

function notEmptyError(where: string, tables: string[]): MigrationError {
  return new MigrationError(
    `The database ${where} is not empty but has no ${MIGRATIONS_TABLE} table (Prisma error P3005): refusing to apply ` +
      `migrations on top of unknown tables (${tables.join(", ")}). Baseline it (record the migrations it already ` +
      `contains as applied) or use an empty database.`,
  );
}
