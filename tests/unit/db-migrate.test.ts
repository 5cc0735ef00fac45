// lib/server/db/migrate.ts against real databases: a temporary SQLite file,
// and a temporary PostgreSQL database when one is reachable (TEST_POSTGRES_URL,
// default postgresql://postgres@127.0.0.1:5432/postgres; skipped otherwise).
// Prisma's own WASM schema engine checks that it reads our bookkeeping exactly
// as `prisma migrate deploy/status` would.
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { migrationsDir, PROVIDER_PATHS, type DatabaseProvider } from "../../lib/server/db/config";
import { applyMigrations, managesTransactions, MigrationError, scriptMatchesChecksum } from "../../lib/server/db/migrate";
import { adapterFactoryFor, createSchemaEngine, NO_FILTER, readMigrationList } from "../../scripts/db/schema-engine";

const root = process.cwd();
const quiet = { log: () => {} };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "session-lab-migrate-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const localNames = (provider: DatabaseProvider) =>
  fs
    .readdirSync(migrationsDir(provider, root), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

/** A copy of a provider's migrations folder plus extra migrations, for failure cases. */
function migrationsCopy(provider: DatabaseProvider, extra: Record<string, string> = {}): string {
  const dir = path.join(tmp, `migrations-${randomUUID()}`);
  fs.cpSync(migrationsDir(provider, root), dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

/** What Prisma's schema engine thinks of `url` + the migrations folder. */
async function engineView(provider: DatabaseProvider, url: string, dir = migrationsDir(provider, root)) {
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

/** A migration that takes a moment, to widen the race window. */
const SLOW_MIGRATION = `CREATE TABLE "Big" AS SELECT count(*) AS "n" FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT x FROM c);\n`;

/** Runs applyMigrations(url, { migrationsDir }) in `n` child processes started together. */
async function raceInChildren(n: number, url: string, dir: string): Promise<{ applied: string[] }[]> {
  const runner = path.join(tmp, `race-${randomUUID()}.mts`);
  fs.writeFileSync(
    runner,
    `import { applyMigrations } from ${JSON.stringify(path.join(root, "lib/server/db/migrate.ts"))};\n` +
      `const r = await applyMigrations(process.env.RACE_URL, { migrationsDir: process.env.RACE_DIR, log: () => {} });\n` +
      `console.log(JSON.stringify({ applied: r.applied }));\n`,
  );
  const tsx = path.join(root, "node_modules", ".bin", "tsx");
  const outputs = await Promise.all(
    Array.from({ length: n }, () =>
      promisify(execFile)(tsx, [runner], { cwd: root, env: { ...process.env, RACE_URL: url, RACE_DIR: dir } }),
    ),
  );
  return outputs.map((o) => JSON.parse(o.stdout.trim().split("\n").pop() ?? "{}") as { applied: string[] });
}

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("checksums", () => {
  it("are line-ending agnostic and accept the legacy unpadded format, like the schema engine", () => {
    const hex = createHash("sha256").update("ab\ncd\n").digest("hex");
    expect(scriptMatchesChecksum("ab\ncd\n", hex)).toBe(true);
    expect(scriptMatchesChecksum("ab\r\ncd\r\n", hex)).toBe(true);
    expect(scriptMatchesChecksum("ab\ncd", hex)).toBe(false);
    const unpadded = [...createHash("sha256").update("hello").digest()].map((b) => b.toString(16)).join("");
    expect(scriptMatchesChecksum("hello", unpadded)).toBe(true);
  });
});

describe("managesTransactions", () => {
  it("spots transaction statements, not trigger or PL/pgSQL bodies", () => {
    expect(managesTransactions("BEGIN;\nCREATE TABLE x(a);\nCOMMIT;")).toBe(true);
    expect(managesTransactions("begin transaction;\n")).toBe(true);
    expect(managesTransactions("START TRANSACTION ISOLATION LEVEL SERIALIZABLE;")).toBe(true);
    expect(managesTransactions("CREATE TRIGGER t AFTER INSERT ON x BEGIN\n  UPDATE y SET a = 1;\nEND;")).toBe(false);
    expect(managesTransactions("CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;")).toBe(false);
    expect(managesTransactions("-- BEGIN;\nCREATE TABLE x(a);")).toBe(false);
  });
});

describe("applyMigrations on SQLite", () => {
  const fresh = () => `file:${path.join(tmp, `${randomUUID()}.db`)}`;
  const rowsOf = (url: string) => {
    const db = new Database(url.slice("file:".length), { readonly: true });
    try {
      return db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY "started_at"`).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };

  it("applies every migration once, with Prisma's bookkeeping, and is idempotent", async () => {
    const url = fresh();
    const first = await applyMigrations(url, quiet);
    expect(first.provider).toBe("sqlite");
    expect(first.applied).toEqual(localNames("sqlite"));
    const second = await applyMigrations(url, quiet);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(localNames("sqlite"));

    const rows = rowsOf(url);
    expect(rows.map((r) => r.migration_name)).toEqual(localNames("sqlite"));
    for (const r of rows) {
      const file = path.join(migrationsDir("sqlite", root), String(r.migration_name), "migration.sql");
      expect(r.checksum).toBe(sha256(file));
      expect(r.applied_steps_count).toBe(1);
      expect(r.rolled_back_at).toBeNull();
      expect(typeof r.started_at).toBe("number"); // Unix ms, as the native engine writes them
      expect(typeof r.finished_at).toBe("number");
    }
  });

  it("is read by Prisma's schema engine as fully applied, and the tables match schema.prisma", async () => {
    const url = fresh();
    await applyMigrations(url, quiet);
    const view = await engineView("sqlite", url);
    expect(view.diagnosis).toMatchObject({ editedMigrationNames: [], failedMigrationNames: [], history: null });
    expect(view.applyAgain).toEqual([]);
    expect(view.diff.replace(/--[^\n]*/g, "").trim()).toBe("");
  });

  it("accepts a database migrated by Prisma's engine (and agrees nothing is pending)", async () => {
    const url = fresh();
    const factory = adapterFactoryFor("sqlite", url);
    const engine = await createSchemaEngine(factory);
    try {
      const out = await engine.applyMigrations({ migrationsList: readMigrationList(migrationsDir("sqlite", root)), filters: NO_FILTER });
      expect(out.appliedMigrationNames).toEqual(localNames("sqlite"));
    } finally {
      engine.free();
      await factory.cleanup();
    }
    const result = await applyMigrations(url, quiet);
    expect(result.applied).toEqual([]);
  });

  it("is safe when several processes race (one row per migration, each applied once)", async () => {
    const url = fresh();
    const dir = migrationsCopy("sqlite", { "29990101000000_slow": SLOW_MIGRATION });
    const results = await raceInChildren(4, url, dir);
    expect(results.flatMap((r) => r.applied).sort()).toEqual([...localNames("sqlite"), "29990101000000_slow"]);
    expect(rowsOf(url).map((r) => r.migration_name)).toEqual([...localNames("sqlite"), "29990101000000_slow"]);
  }, 60_000);

  it("refuses a migration modified after it was applied (checksum mismatch), but not a CRLF conversion", async () => {
    const url = fresh();
    const dir = migrationsCopy("sqlite");
    await applyMigrations(url, { ...quiet, migrationsDir: dir });
    const file = path.join(dir, localNames("sqlite")[0] ?? "", "migration.sql");
    const original = fs.readFileSync(file, "utf8");

    fs.writeFileSync(file, original.replace(/\n/g, "\r\n"));
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).resolves.toMatchObject({ applied: [] });

    fs.writeFileSync(file, `${original}\n-- edited\n`);
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).rejects.toThrow(/modified after they were applied/);
  });

  it("rolls a failing migration back, records the attempt as rolled back, and retries it next time", async () => {
    const url = fresh();
    const bad = "29990101000000_bad";
    const dir = migrationsCopy("sqlite", {
      [bad]: `CREATE TABLE "Partial" ("id" TEXT NOT NULL PRIMARY KEY);\nINSERT INTO "NoSuchTable" VALUES (1);\n`,
    });
    const error = await applyMigrations(url, { ...quiet, migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toMatch(/29990101000000_bad failed and was rolled back.*no such table: NoSuchTable/s);

    const db = new Database(url.slice("file:".length), { readonly: true });
    const partial = db.prepare(`SELECT "name" FROM "sqlite_master" WHERE "name" = 'Partial'`).all();
    db.close();
    expect(partial).toEqual([]); // nothing of the failed migration remains
    const attempt = rowsOf(url).find((r) => r.migration_name === bad);
    expect(attempt).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(attempt?.rolled_back_at).not.toBeNull();
    expect(String(attempt?.logs)).toMatch(/no such table/);

    fs.writeFileSync(path.join(dir, bad, "migration.sql"), `CREATE TABLE "Partial" ("id" TEXT NOT NULL PRIMARY KEY);\n`);
    const retry = await applyMigrations(url, { ...quiet, migrationsDir: dir });
    expect(retry.applied).toEqual([bad]);
    const view = await engineView("sqlite", url, dir);
    expect(view.diagnosis).toMatchObject({ editedMigrationNames: [], failedMigrationNames: [], history: null });
  });

  it("keeps child rows when a migration redefines a parent table (Prisma's RedefineTables pattern)", async () => {
    const url = fresh();
    await applyMigrations(url, quiet);
    const file = url.slice("file:".length);
    const db = new Database(file);
    db.prepare(`INSERT INTO "User" ("id", "email", "name", "passwordHash", "updatedAt") VALUES ('u1', 'a@b.c', 'A', 'h', 0)`).run();
    db.prepare(`INSERT INTO "Note" ("id", "userId", "title", "body") VALUES ('n1', 'u1', 't', 'b')`).run();
    const createUser = (db.prepare(`SELECT "sql" FROM "sqlite_master" WHERE "name" = 'User'`).get() as { sql: string }).sql;
    db.close();
    // What `migrate dev` generates to change a column of "User" on SQLite. With
    // foreign keys enforced, DROP TABLE "User" would cascade-delete the notes.
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
      "",
    ].join("\n");
    const dir = migrationsCopy("sqlite", { "29990101000000_redefine_user": redefine });
    expect((await applyMigrations(url, { ...quiet, migrationsDir: dir })).applied).toEqual(["29990101000000_redefine_user"]);
    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT "id" FROM "Note"`).all()).toEqual([{ id: "n1" }]);
    after.close();
  });

  it("rolls back a migration that leaves foreign key violations", async () => {
    const url = fresh();
    const dir = migrationsCopy("sqlite", {
      "29990101000000_orphan": `INSERT INTO "Note" ("id", "userId", "title", "body") VALUES ('n1', 'nobody', 't', 'b');\n`,
    });
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).rejects.toThrow(/foreign key violation/);
  });

  it("stops on a failed migration left by Prisma (P3009) and on a non-empty database without history (P3005)", async () => {
    const url = fresh();
    await applyMigrations(url, quiet);
    const db = new Database(url.slice("file:".length));
    db.prepare(
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "started_at", "migration_name", "logs") VALUES (?, 'x', ?, '29990101000000_x', 'boom')`,
    ).run(randomUUID(), Date.now());
    db.close();
    await expect(applyMigrations(url, quiet)).rejects.toThrow(/P3009[\s\S]*29990101000000_x[\s\S]*boom/);

    const other = fresh();
    const db2 = new Database(other.slice("file:".length));
    db2.exec(`CREATE TABLE "Legacy" ("id" INTEGER)`);
    db2.close();
    await expect(applyMigrations(other, quiet)).rejects.toThrow(/P3005/);
  });
});

// ---------------------------------------------------------------- PostgreSQL

const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const pgAvailable = await (async () => {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
})();

// CI machines run PostgreSQL: there a missing server is a failure, not a skip.
if (!pgAvailable && process.env.CI) throw new Error(`PostgreSQL is required in CI but ${adminUrl} is not reachable.`);

describe.skipIf(!pgAvailable)("applyMigrations on PostgreSQL", () => {
  const databases: string[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const freshDb = async () => {
    const name = `sessionlab_test_${randomUUID().replace(/-/g, "")}`;
    await admin(`CREATE DATABASE "${name}"`);
    databases.push(name);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const rowsOf = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(`SELECT * FROM "_prisma_migrations" ORDER BY "started_at"`)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    for (const name of databases) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it("applies every migration once, idempotent, as Prisma's engine reads it", async () => {
    const url = await freshDb();
    expect((await applyMigrations(url, quiet)).applied).toEqual(localNames("postgresql"));
    expect((await applyMigrations(url, quiet)).applied).toEqual([]);

    const rows = await rowsOf(url);
    expect(rows.map((r) => r.migration_name)).toEqual(localNames("postgresql"));
    for (const r of rows) {
      const file = path.join(migrationsDir("postgresql", root), String(r.migration_name), "migration.sql");
      expect(r.checksum).toBe(sha256(file));
      expect(r.applied_steps_count).toBe(1);
      expect(r.finished_at).toBeInstanceOf(Date);
    }

    const view = await engineView("postgresql", url);
    expect(view.diagnosis).toMatchObject({ editedMigrationNames: [], failedMigrationNames: [], history: null });
    expect(view.applyAgain).toEqual([]);
    expect(view.diff.replace(/--[^\n]*/g, "").trim()).toBe("");
  }, 60_000);

  it("is safe when several processes race (Prisma's advisory lock)", async () => {
    const url = await freshDb();
    const slow = "29990101000000_slow";
    const dir = migrationsCopy("postgresql", { [slow]: `CREATE TABLE "Big" AS SELECT 1 AS "x";\nSELECT pg_sleep(0.7);\n` });
    const results = await raceInChildren(3, url, dir);
    expect(results.flatMap((r) => r.applied).sort()).toEqual([...localNames("postgresql"), slow]);
    expect((await rowsOf(url)).map((r) => r.migration_name)).toEqual([...localNames("postgresql"), slow]);
  }, 60_000);

  it("rolls a failing migration back and refuses edited migrations", async () => {
    const url = await freshDb();
    const bad = "29990101000000_bad";
    const dir = migrationsCopy("postgresql", { [bad]: `CREATE TABLE "Partial" ("id" TEXT);\nSELECT * FROM "NoSuchTable";\n` });
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).rejects.toThrow(/failed and was rolled back/);
    const rows = await rowsOf(url);
    expect(rows.find((r) => r.migration_name === bad)).toMatchObject({ finished_at: null });
    expect(rows.find((r) => r.migration_name === bad)?.rolled_back_at).toBeInstanceOf(Date);

    fs.writeFileSync(path.join(dir, bad, "migration.sql"), `CREATE TABLE "Partial" ("id" TEXT);\n`);
    expect((await applyMigrations(url, { ...quiet, migrationsDir: dir })).applied).toEqual([bad]);
    fs.appendFileSync(path.join(dir, bad, "migration.sql"), "-- edited\n");
    await expect(applyMigrations(url, { ...quiet, migrationsDir: dir })).rejects.toThrow(/modified after they were applied/);
  }, 60_000);
});
