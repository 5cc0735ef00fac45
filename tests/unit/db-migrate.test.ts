// lib/server/db/migrate.ts against real databases of the provider under test:
// fresh SQLite files by default; with TEST_DATABASE_URL=postgresql://… (as .ci/run
// does) fresh PostgreSQL databases on that server, named after its database
// (`<name>_<random>`) and dropped afterwards. Prisma's own WASM schema engine
// checks that it reads our bookkeeping as `prisma migrate status` would.
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { migrationsDir, PROVIDER_PATHS, providerForUrl } from "../../lib/server/db/config";
import { applyMigrations } from "../../lib/server/db/migrate";
import { adapterFactoryFor, createSchemaEngine, NO_FILTER, readMigrationList } from "../../scripts/db/schema-engine";

const root = process.cwd();
const target = process.env.TEST_DATABASE_URL ?? "file:./data/unit-test.db";
const provider = providerForUrl(target);
const quiet = { log: () => {} };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "session-lab-migrate-"));
const createdDatabases: string[] = [];

/** Runs one statement against the database the test suite was pointed at (creating and dropping databases). */
async function onTarget(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const name of createdDatabases) await onTarget(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function freshDatabase(): Promise<string> {
  if (provider === "sqlite") return `file:${path.join(tmp, `${randomUUID()}.db`)}`;
  const url = new URL(target);
  const name = `${url.pathname.slice(1)}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await onTarget(`CREATE DATABASE "${name}"`);
  createdDatabases.push(name);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Rows of a read query; rejects like the database does (e.g. for a missing table). */
async function select(url: string, sql: string): Promise<Record<string, unknown>[]> {
  if (provider === "sqlite") {
    const db = new Database(url.slice("file:".length), { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

const bookkeeping = (url: string) => select(url, `SELECT * FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"`);
const names = (rows: Record<string, unknown>[]) => rows.map((row) => row.migration_name);
const localNames = fs
  .readdirSync(migrationsDir(provider, root), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** A copy of the provider's migrations folder plus extra migrations (named after the real ones, so they sort last). */
function migrationsWith(extra: Record<string, string> = {}): string {
  const dir = path.join(tmp, `migrations-${randomUUID()}`);
  fs.cpSync(migrationsDir(provider, root), dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

/** What Prisma's schema engine thinks of the database and a migrations folder. */
async function engineView(url: string, dir = migrationsDir(provider, root)) {
  const factory = adapterFactoryFor(provider, url);
  const engine = await createSchemaEngine(factory);
  try {
    const migrationsList = readMigrationList(dir);
    const diagnosis = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER });
    const schemaFile = PROVIDER_PATHS[provider].schema;
    const files = [{ path: schemaFile, content: fs.readFileSync(path.join(root, schemaFile), "utf8") }];
    const diff = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: root },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    const applyAgain = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return { diagnosis, diff: diff.stdout ?? "", applyAgain: applyAgain.appliedMigrationNames };
  } finally {
    engine.free();
    await factory.cleanup();
  }
}

/** applyMigrations in a child process (another app instance starting): `ready` before it calls, `done` with its result. */
function startApplier(url: string, dir: string) {
  const runner = path.join(tmp, "applier.mts");
  fs.writeFileSync(
    runner,
    `import { applyMigrations } from ${JSON.stringify(path.join(root, "lib/server/db/migrate.ts"))};\n` +
      `console.log("ready");\n` +
      `const result = await applyMigrations(process.env.APPLY_URL, { migrationsDir: process.env.APPLY_DIR, log: () => {} });\n` +
      `console.log(JSON.stringify(result.applied));\n`,
  );
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), [runner], { env: { ...process.env, APPLY_URL: url, APPLY_DIR: dir } });
  let stdout = "";
  let stderr = "";
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready\n")) onReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<string[]>((resolve, reject) =>
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as string[])
        : reject(new Error(`applier exited ${code}: ${stderr}`)),
    ),
  );
  return { ready, done };
}

/** A migration that takes a moment, to widen the window in which two appliers overlap. */
const SLOW_MIGRATION =
  provider === "sqlite"
    ? `CREATE TABLE "Big" AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT count(*) AS n FROM c;\n`
    : `CREATE TABLE "Big" AS SELECT 1 AS n;\nSELECT pg_sleep(0.7);\n`;

describe(`applyMigrations on ${provider}`, () => {
  it("applies each migration once, recorded the way Prisma's engine records it, and then finds nothing to do", async () => {
    const url = await freshDatabase();
    const first = await applyMigrations(url, quiet);
    expect(first).toMatchObject({ provider, applied: localNames, alreadyApplied: [] });
    expect(await applyMigrations(url, quiet)).toMatchObject({ applied: [], alreadyApplied: localNames });

    const rows = await bookkeeping(url);
    expect(names(rows)).toEqual(localNames);
    const timestamp = provider === "sqlite" ? expect.any(Number) : expect.any(Date); // SQLite: Unix ms, as the native engine
    for (const row of rows) {
      expect(row).toMatchObject({
        checksum: sha256(path.join(migrationsDir(provider, root), String(row.migration_name), "migration.sql")),
        applied_steps_count: 1,
        started_at: timestamp,
        finished_at: timestamp,
        rolled_back_at: null,
        logs: null,
      });
    }
  });

  it("leaves a history Prisma's schema engine reads as fully applied, with the tables the schema describes", async () => {
    const url = await freshDatabase();
    await applyMigrations(url, quiet);
    const view = await engineView(url);
    expect(view.diagnosis).toMatchObject({ editedMigrationNames: [], failedMigrationNames: [], history: null });
    expect(view.applyAgain).toEqual([]);
    expect(view.diff.replace(/--[^\n]*/g, "").trim()).toBe("");
  }, 60_000);

  it("reads a history written by Prisma's schema engine", async () => {
    const url = await freshDatabase();
    const factory = adapterFactoryFor(provider, url);
    const engine = await createSchemaEngine(factory);
    try {
      const out = await engine.applyMigrations({ migrationsList: readMigrationList(migrationsDir(provider, root)), filters: NO_FILTER });
      expect(out.appliedMigrationNames).toEqual(localNames);
    } finally {
      engine.free();
      await factory.cleanup();
    }
    expect(await applyMigrations(url, quiet)).toMatchObject({ applied: [], alreadyApplied: localNames });
  });

  it("applies each migration exactly once when several processes start at the same time", async () => {
    const url = await freshDatabase();
    const dir = migrationsWith({ "29990101000000_slow": SLOW_MIGRATION });
    const results = await Promise.all([startApplier(url, dir).done, startApplier(url, dir).done, startApplier(url, dir).done]);
    expect(results.flat().sort()).toEqual([...localNames, "29990101000000_slow"]);
    expect(names(await bookkeeping(url))).toEqual([...localNames, "29990101000000_slow"]);
  }, 60_000);

  it(`waits while another process holds the migration lock (${provider === "sqlite" ? "SQLite's write lock" : "Prisma's advisory lock"})`, async () => {
    const url = await freshDatabase();
    let release: () => Promise<void>;
    let blocked: () => Promise<boolean>;
    if (provider === "sqlite") {
      const holder = new Database(url.slice("file:".length));
      holder.exec("BEGIN IMMEDIATE");
      release = async () => void holder.exec("COMMIT").close();
      blocked = async () => true; // SQLite cannot show a waiter; `ready` plus a pause stands in
    } else {
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      await holder.query("SELECT pg_advisory_lock(72707369)"); // session-level, as Prisma's engine takes it
      release = async () => void (await holder.end());
      blocked = async () =>
        (await holder.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369 AND NOT granted`)).rowCount === 1;
    }
    const applier = startApplier(url, migrationsDir(provider, root));
    await applier.ready;
    const deadline = Date.now() + 20_000;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    while (!(await blocked()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const releasedAt = Date.now();
    await release();
    expect(await applier.done).toEqual(localNames);
    for (const row of await bookkeeping(url))
      expect(new Date(row.started_at as number | Date).getTime()).toBeGreaterThanOrEqual(releasedAt);
  }, 60_000);

  it("lets overlapping calls in one process take turns", async () => {
    const url = await freshDatabase();
    const results = await Promise.all([applyMigrations(url, quiet), applyMigrations(url, quiet)]);
    expect(results.map((r) => r.applied)).toEqual([localNames, []]);
  });

  it("rolls a failing migration back completely and retries it on the next start", async () => {
    const url = await freshDatabase();
    const bad = "29990101000000_bad";
    const dir = migrationsWith({ [bad]: `CREATE TABLE "Partial" ("id" TEXT);\nINSERT INTO "NoSuchTable" VALUES (1);\n` });
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).rejects.toThrow(
      new RegExp(`Migration ${bad} failed and was rolled back[\\s\\S]*NoSuchTable`),
    );
    expect(names(await bookkeeping(url))).toEqual(localNames); // the earlier ones stay applied, no row for the failed one
    await expect(select(url, `SELECT * FROM "Partial"`)).rejects.toThrow(/Partial/); // nothing of it is left

    fs.writeFileSync(path.join(dir, bad, "migration.sql"), `CREATE TABLE "Partial" ("id" TEXT);\n`);
    expect(await applyMigrations(url, { ...quiet, migrationsDir: dir })).toMatchObject({ applied: [bad] });
    expect((await engineView(url, dir)).diagnosis).toMatchObject({ editedMigrationNames: [], failedMigrationNames: [], history: null });
  }, 60_000);

  it("commits a migration only together with its row (a migration that breaks the bookkeeping is undone)", async () => {
    const url = await freshDatabase();
    const refuse =
      provider === "sqlite"
        ? `CREATE TRIGGER "refuse" BEFORE INSERT ON "_prisma_migrations" BEGIN SELECT RAISE(ABORT, 'bookkeeping refused'); END;\n`
        : `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'bookkeeping refused'; END $$;\n` +
          `CREATE TRIGGER refuse BEFORE INSERT ON _prisma_migrations FOR EACH ROW EXECUTE FUNCTION refuse();\n`;
    const dir = migrationsWith({ "29990101000000_refuse": `CREATE TABLE "Partial" ("id" TEXT);\n${refuse}` });
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).rejects.toThrow(
      /29990101000000_refuse failed[\s\S]*bookkeeping refused/,
    );
    await expect(select(url, `SELECT * FROM "Partial"`)).rejects.toThrow(/Partial/);
    fs.writeFileSync(path.join(dir, "29990101000000_refuse", "migration.sql"), "SELECT 1;\n"); // the trigger is gone too:
    expect(await applyMigrations(url, { ...quiet, migrationsDir: dir })).toMatchObject({ applied: ["29990101000000_refuse"] });
  });

  it("refuses to go on when an applied migration's file changed, naming it", async () => {
    const url = await freshDatabase();
    const dir = migrationsWith();
    await applyMigrations(url, { ...quiet, migrationsDir: dir });
    const edited = localNames[0] ?? "";
    fs.appendFileSync(path.join(dir, edited, "migration.sql"), "-- edited\n");
    fs.mkdirSync(path.join(dir, "29990101000000_next"));
    fs.writeFileSync(path.join(dir, "29990101000000_next", "migration.sql"), `CREATE TABLE "Next" ("id" TEXT);\n`);
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).rejects.toThrow(
      new RegExp(`changed after it was applied[\\s\\S]*${edited}: \\S+/migration\\.sql`),
    );
    expect(names(await bookkeeping(url))).toEqual(localNames); // the pending one was not applied either
  });

  it.runIf(provider === "sqlite")("keeps child rows when a migration rebuilds a parent table (Prisma's RedefineTables)", async () => {
    const url = await freshDatabase();
    await applyMigrations(url, quiet);
    const db = new Database(url.slice("file:".length));
    db.prepare(`INSERT INTO "User" ("id", "email", "name", "passwordHash", "updatedAt") VALUES ('u1', 'a@b.c', 'A', 'h', 0)`).run();
    db.prepare(`INSERT INTO "Note" ("id", "userId", "title", "body") VALUES ('n1', 'u1', 't', 'b')`).run();
    const createUser = (db.prepare(`SELECT "sql" FROM "sqlite_master" WHERE "name" = 'User'`).get() as { sql: string }).sql;
    db.close();
    // What `migrate dev` writes to change a column of "User". With foreign keys
    // enforced, DROP TABLE "User" would cascade-delete the notes.
    const redefine = [
      "PRAGMA defer_foreign_keys=ON;",
      "PRAGMA foreign_keys=OFF;",
      `${createUser.replace(/^CREATE TABLE "User"/, 'CREATE TABLE "new_User"')};`,
      `INSERT INTO "new_User" SELECT * FROM "User";`,
      `DROP TABLE "User";`,
      `ALTER TABLE "new_User" RENAME TO "User";`,
      `CREATE UNIQUE INDEX "User_email_key" ON "User"("email");`,
      "PRAGMA foreign_keys=ON;",
      "PRAGMA defer_foreign_keys=OFF;",
    ].join("\n");
    const dir = migrationsWith({ "29990101000000_redefine_user": redefine });
    expect(await applyMigrations(url, { ...quiet, migrationsDir: dir })).toMatchObject({ applied: ["29990101000000_redefine_user"] });
    expect(await select(url, `SELECT "id" FROM "Note"`)).toEqual([{ id: "n1" }]);
  });

  it.runIf(provider === "sqlite")("rolls back a migration that leaves foreign key violations", async () => {
    const url = await freshDatabase();
    const dir = migrationsWith({
      "29990101000000_orphan": `INSERT INTO "Note" ("id", "userId", "title", "body") VALUES ('n1', 'nobody', 't', 'b');\n`,
    });
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).rejects.toThrow(
      /29990101000000_orphan failed[\s\S]*foreign key violation/,
    );
    expect(await select(url, `SELECT * FROM "Note"`)).toEqual([]);
  });
});
