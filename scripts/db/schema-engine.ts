// Loads Prisma's official WASM schema engine (@prisma/schema-engine-wasm,
// the same engine the native `schema-engine` binary is built from) and binds
// it to a driver adapter, so migrations can be diffed/applied without the
// native binary, which Prisma 7 cannot download on this machine. Used by
// `npm run db:migrate:create` and the unit tests; scripts only (tsx), never
// bundled into the Next.js server.
//
// Written for Prisma 7.10.0: prisma, @prisma/adapter-better-sqlite3,
// @prisma/adapter-pg and @prisma/driver-adapter-utils 7.10.0, and
// @prisma/schema-engine-wasm 7.10.0-4.0edf323e (all pinned exactly in
// package.json). Each workaround below exists because those versions fail
// without it. When upgrading, try without each one: `npm run
// db:migrate:create -- probe` (with no model change it only replays the
// migrations on shadow databases and writes nothing) and
// tests/unit/db-migrate.test.ts (SQLite, then TEST_DATABASE_URL=postgresql://…):
// - initWasm: the package's entry does `import * as wasm from
//   "./schema_engine_bg.wasm"` (ESM integration for wasm, which Node 20 lacks
//   without a flag), so we instantiate the module ourselves and hand its
//   exports to the JS glue, as wasm-bindgen's "web" target does.
// - SqliteMultiStatement: adapter-better-sqlite3 prepares a multi-statement
//   executeRaw as ONE statement, so replaying migrations on the shadow
//   database fails ("Migration `..._init` failed to apply cleanly to the
//   shadow database"); it also closes the connections engine.free() leaves
//   open (one holds SQLite's exclusive lock).
// - PgWithShadowDb: adapter-pg cannot decode PostgreSQL's internal "char"
//   type (OID 18) that the engine's catalog queries return ("Column type
//   'char' could not be deserialized"), and its connectToShadowDb drops the
//   shadow database while its own pool is still connected (the drop fails,
//   the database leaks).
// - pgConfigFromUrl: pg ignores `database` when a connectionString is set, so
//   adapter-pg's shadow pool would connect to the main database.
//
// @prisma/driver-adapter-utils is pinned as a dev dependency at the adapters'
// exact version: we only need its binder.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";

import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationDirectory, MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import pg from "pg";

import { redactUrl, sqliteFilePath, type DatabaseProvider } from "../../lib/server/db/config";

export type { SchemaEngine, MigrationList };

const require = createRequire(import.meta.url);

// The glue reports Rust panics through this global (as the Prisma CLI does).
type PanicRegistry = { message: string; get(): string; set_message(m: string): void };
const g = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
g.PRISMA_WASM_PANIC_REGISTRY ??= {
  message: "",
  get() {
    return this.message;
  },
  set_message(m: string) {
    this.message = `RuntimeError: ${m}`;
  },
};

let initialized = false;
function initWasm(): void {
  if (initialized) return;
  // The .wasm is not in the package's "exports"; it sits next to the glue.
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = gluePath.replace(/\.js$/, ".wasm");
  const wasmModule = new WebAssembly.Module(fs.readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(wasmModule, {
    "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
  });
  const wasmExports = instance.exports as WebAssembly.Exports & { __wbindgen_start: () => void };
  glue.__wbg_set_wasm(wasmExports);
  wasmExports.__wbindgen_start();
  initialized = true;
}

export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export type EngineOptions = {
  /** Schema files the engine is constructed with ([path, content]). */
  datamodels?: [string, string][];
  /** Log engine tracing output (JSON lines) to stderr. */
  debug?: boolean;
};

/** Create an engine bound to a driver adapter factory. Call engine.free() when done. */
export async function createSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  options: EngineOptions = {},
): Promise<SchemaEngine> {
  initWasm();
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  const log = (line: unknown) => {
    if (options.debug) process.stderr.write(`[schema-engine] ${String(line)}\n`);
  };
  return glue.SchemaEngine.new({ datamodels: options.datamodels }, log, bound);
}

export type EngineAdapterFactory = SqliteMultiStatement | PgWithShadowDb;

/** Adapter factory for a provider and URL (what the engine connects to). Call cleanup() when done. */
export function adapterFactoryFor(provider: DatabaseProvider, url: string): EngineAdapterFactory {
  if (provider === "sqlite") {
    const file = url === ":memory:" ? ":memory:" : sqliteFilePath(url);
    return new SqliteMultiStatement(new PrismaBetterSqlite3({ url: file }));
  }
  return new PgWithShadowDb(pgConfigFromUrl(url));
}

/**
 * PrismaBetterSqlite3 as the WASM engine needs it: the engine runs whole
 * migration scripts through `executeRaw`, which adapter-better-sqlite3
 * 7.10.0 prepares as ONE statement, so better-sqlite3 throws "The supplied
 * SQL string contains more than one statement" and every migration "fails to
 * apply cleanly to the shadow database". Parameterless multi-statement
 * executeRaw calls are therefore run with executeScript (db.exec).
 */
export class SqliteMultiStatement implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "sqlite";
  readonly adapterName: string;
  readonly #inner: PrismaBetterSqlite3;
  readonly #open = new Set<SqlDriverAdapter>();

  constructor(inner: PrismaBetterSqlite3) {
    this.#inner = inner;
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return this.#track(SqliteMultiStatement.#patch(await this.#inner.connect()));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.#track(SqliteMultiStatement.#patch(await this.#inner.connectToShadowDb()));
  }

  /**
   * Close every connection the engine opened. engine.free() does not: the
   * engine's connection keeps SQLite's `locking_mode=EXCLUSIVE` lock (taken
   * by applyMigrations, like the native engine) until it is closed.
   */
  async cleanup(): Promise<void> {
    for (const adapter of [...this.#open]) {
      this.#open.delete(adapter);
      await adapter.dispose().catch(() => undefined);
    }
  }

  #track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    this.#open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      this.#open.delete(adapter);
      await dispose();
    };
    return adapter;
  }

  static #patch(adapter: SqlDriverAdapter): SqlDriverAdapter {
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (query) => {
      try {
        return await executeRaw(query);
      } catch (err) {
        if (query.args.length === 0 && err instanceof RangeError && /more than one statement/.test(err.message)) {
          await adapter.executeScript(query.sql);
          return 0;
        }
        throw err;
      }
    };
    return adapter;
  }
}

/**
 * PrismaPg as the WASM engine needs it. Two workarounds for adapter-pg 7.10.0:
 *
 * 1. Its column-type mapping has no case for PostgreSQL's internal `"char"`
 *    type (OID 18), which the engine's catalog queries (pg_class.relkind,
 *    pg_constraint.contype, ...) return, so every schema description fails
 *    with "Column type 'char' could not be deserialized from the database".
 *    We report those columns as `text` (OID 25); pg already hands their
 *    values over as strings.
 * 2. Its connectToShadowDb runs DROP DATABASE while its own pool is still
 *    connected, so the drop fails, the shadow DB leaks and the command errors.
 *    We create/drop the shadow database ourselves.
 */
export class PgWithShadowDb implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";
  readonly #config: pg.PoolConfig;
  readonly #shadowDbs = new Set<string>();

  constructor(config: pg.PoolConfig) {
    this.#config = config;
  }

  readonly #open = new Set<SqlDriverAdapter>();

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await connectPg(this.#config);
    this.#open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    let disposed = false;
    adapter.dispose = async () => {
      this.#open.delete(adapter);
      if (disposed) return;
      disposed = true;
      await dispose();
    };
    return adapter;
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await this.#admin(`CREATE DATABASE "${name}"`);
    this.#shadowDbs.add(name);
    const adapter = await connectPg({ ...this.#config, database: name });
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose(); // ends the shadow pool first
      await this.#dropShadowDb(name);
    };
    return adapter;
  }

  /** Close the engine's connections and drop any shadow database still around (call in a finally). */
  async cleanup(): Promise<void> {
    for (const adapter of [...this.#open]) await adapter.dispose().catch(() => undefined);
    for (const name of [...this.#shadowDbs]) await this.#dropShadowDb(name);
  }

  async #dropShadowDb(name: string): Promise<void> {
    if (!this.#shadowDbs.has(name)) return;
    await this.#admin(`DROP DATABASE IF EXISTS "${name}"`);
    this.#shadowDbs.delete(name);
  }

  async #admin(sql: string): Promise<void> {
    const client = new pg.Client(this.#config);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type FieldsResult = { fields?: { dataTypeID: number }[] };
function charFieldsAsText<T>(result: T): T {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const f of (r as FieldsResult | undefined)?.fields ?? []) {
      if (f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

async function connectPg(config: pg.PoolConfig): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool(config);
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const last = args.length - 1;
      const cb = args[last];
      if (typeof cb === "function") {
        args[last] = (err: unknown, res: unknown) => (cb as (e: unknown, r: unknown) => void)(err, err ? res : charFieldsAsText(res));
        return query(...args);
      }
      const out = query(...args);
      return out instanceof Promise ? out.then(charFieldsAsText) : out;
    };
  });
  return new PrismaPg(pool, { disposeExternalPool: true }).connect();
}

/**
 * A pg PoolConfig without `connectionString`: PrismaPg#connectToShadowDb
 * spreads the config and overrides `database`, which pg ignores when a
 * connectionString is present (the shadow DB would be the main DB).
 */
export function pgConfigFromUrl(url: string): pg.PoolConfig {
  const u = new URL(url);
  const config: pg.PoolConfig = {
    host: decodeURIComponent(u.hostname) || undefined,
    port: u.port ? Number(u.port) : undefined,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
  };
  const host = u.searchParams.get("host");
  if (host) config.host = host; // unix socket dir, e.g. ?host=/var/run/postgresql
  const sslmode = u.searchParams.get("sslmode");
  if (sslmode && sslmode !== "disable") config.ssl = sslmode === "no-verify" ? { rejectUnauthorized: false } : true;
  if (u.searchParams.get("schema")) {
    throw new Error(`?schema= in ${redactUrl(url)} is not supported by these scripts; use a separate database.`);
  }
  return config;
}

/** Read a migrations folder the way the Prisma CLI does (sorted directories, migration.sql, lock file). */
export function readMigrationList(baseDir: string, shadowDbInitScript = ""): MigrationList {
  const lockPath = `${baseDir}/migration_lock.toml`;
  const lockContent = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null;
  const entries = fs.existsSync(baseDir) ? fs.readdirSync(baseDir, { withFileTypes: true }) : [];
  const migrationDirectories: MigrationDirectory[] = entries
    .filter((e) => e.isDirectory())
    .map((e) => {
      const file = `${baseDir}/${e.name}/migration.sql`;
      let content: MigrationDirectory["migrationFile"]["content"];
      try {
        content = { tag: "ok", value: fs.readFileSync(file, "utf8") };
      } catch (err) {
        content = { tag: "error", value: (err as Error).message };
      }
      return { path: e.name, migrationFile: { path: "migration.sql", content } };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    migrationDirectories,
    shadowDbInitScript,
  };
}

/** Turn engine errors (plain objects or strings from wasm) into readable Errors. */
export function engineError(context: string, err: unknown): Error {
  if (err instanceof Error) return new Error(`${context}: ${err.message}`, { cause: err });
  if (typeof err === "object" && err !== null) {
    const e = err as { message?: unknown; error_code?: unknown; meta?: unknown };
    const msg = typeof e.message === "string" ? e.message : JSON.stringify(err);
    const code = typeof e.error_code === "string" ? `${e.error_code}: ` : "";
    return new Error(`${context}: ${code}${msg}`, { cause: err });
  }
  return new Error(`${context}: ${String(err)}`);
}
