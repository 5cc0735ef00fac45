// The app's Prisma client: one per process, kept on globalThis (survives
// Next.js dev hot reloads). Server-only by folder convention (lib/server/):
// no `import "server-only"` so that tsx scripts and vitest can import it.
//
// DATABASE_URL picks the database:
//   unset/empty or "file:<path>"     -> SQLite via @prisma/adapter-better-sqlite3
//                                       (default file:./data/session-lab.db, relative to the project root)
//   "postgres://" / "postgresql://"  -> PostgreSQL via @prisma/adapter-pg
//                                       (`?schema=name` selects a schema, as in Prisma URLs)
//
// Prisma 7's generated client embeds its provider and refuses an adapter of
// another one, so there are two generated clients (generated/sqlite and
// generated/postgres, same models). Both are typed as the SQLite client,
// whose API is a subset of the PostgreSQL one (PostgreSQL adds e.g.
// `mode: "insensitive"`), so code that type-checks runs on both.

import { hash } from "node:crypto";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";

import { prepareSqliteFile, providerForUrl, resolveDatabaseUrl, sqliteFilePath, type DatabaseProvider } from "./config";
import { countingAdapterFactory } from "./counting-adapter";
import { countLookup } from "@/lib/server/timing";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgres/client";
import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client";

export type { DatabaseProvider } from "./config";

/** The client type the app codes against (see the header). */
export type Db = SqlitePrismaClient;

/** SQLite busy timeout (ms): how long a write waits for another writer. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

type Holder = { url: string; provider: DatabaseProvider; client: Db; adapter?: SqlDriverAdapter };
const holder = globalThis as typeof globalThis & { __sessionLabDb?: Holder };

/** The provider DATABASE_URL selects (without creating a client). */
export function databaseProvider(): DatabaseProvider {
  return providerForUrl(resolveDatabaseUrl());
}

/** The process-wide client for DATABASE_URL, created on first use. */
export function getDb(): Db {
  const url = resolveDatabaseUrl();
  const current = holder.__sessionLabDb;
  if (current) {
    if (current.url !== url) {
      throw new Error("DATABASE_URL changed after the database client was created; call disconnectDb() first (tests only).");
    }
    return current.client;
  }
  const provider = providerForUrl(url);
  const entry: Holder = { url, provider, client: undefined as unknown as Db };
  const onConnect = (adapter: SqlDriverAdapter) => {
    entry.adapter = adapter;
  };
  entry.client = provider === "sqlite" ? createSqliteClient(url, onConnect) : createPostgresClient(url, onConnect);
  holder.__sessionLabDb = entry;
  return entry.client;
}

/** A row as the driver adapter returns it: column name to the adapter's value (text dates, 0/1 or boolean flags). */
export type AdapterRow = Record<string, unknown>;

/**
 * A read-only query straight through the driver adapter Prisma connected
 * (the same connection, counted like every other query), for the per-request
 * session checks. It skips Prisma's query engine, which costs several times
 * the query itself on SQLite (npm run bench: $queryRaw against this against
 * the raw driver). Values are the adapter's own, untyped: callers convert
 * (lib/server/data/*). A tagged template, like $queryRaw: values are always
 * bound parameters, never spliced into the SQL.
 *
 * Each statement is prepared once per connection. On SQLite it is kept on
 * the adapter's connection: the adapter prepares every query afresh, and
 * planning a join cost more than running it (a server profile of the
 * stateful check: prepare() was half of the lookup); same connection, same
 * transaction visibility as the adapter. On PostgreSQL it gets a name
 * (preparedStatementName), which pg prepares once per pooled connection
 * instead of PostgreSQL parsing and planning it on every request.
 */
export async function adapterQuery(strings: TemplateStringsArray, ...values: string[]): Promise<AdapterRow[]> {
  const client = getDb();
  const entry = holder.__sessionLabDb!;
  if (!entry.adapter) await client.$connect();
  const adapter = entry.adapter;
  if (!adapter) throw new Error("the database adapter did not connect");
  const sql = strings.reduce((text, part, i) => `${text}${entry.provider === "sqlite" ? "?" : `$${i}`}${part}`);
  const viaAdapter = async () => {
    const result = await adapter.queryRaw({ sql, args: values, argTypes: values.map(() => ({ scalarType: "string", arity: "scalar" })) });
    return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])));
  };
  if (entry.provider === "postgresql") {
    preparedStatementName(sql);
    return viaAdapter();
  }
  let statement: Database.Statement | null = null;
  try {
    statement = preparedStatement(adapter, sql);
  } catch {
    // Left to the adapter, which reports it as every other query's error.
  }
  if (statement) {
    const prepared = statement;
    try {
      return await countLookup("db", async () => prepared.all(...values) as AdapterRow[]);
    } catch {
      // A read: running it again through the adapter gives its own error (busy, closed, …), as every other query does.
    }
  }
  return viaAdapter();
}

/** SQL text → statement name, for adapterQuery's statements on PostgreSQL (read by the adapter's statementNameGenerator). */
const namedStatements = new Map<string, string>();

/** The name pg prepares `sql` under on each connection: stable, so every connection of the pool agrees. */
export function preparedStatementName(sql: string): string {
  let name = namedStatements.get(sql);
  if (!name) {
    name = `session_lab_${hash("sha256", sql, "hex").slice(0, 16)}`;
    namedStatements.set(sql, name);
  }
  return name;
}

// Prepared statements per better-sqlite3 connection (the adapter's own `client`); keyed by SQL text, which comes
// only from adapterQuery's templates in this codebase, so the map stays as small as the code.
const preparedByConnection = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function preparedStatement(adapter: SqlDriverAdapter, sql: string): Database.Statement | null {
  const connection = (adapter as { client?: unknown }).client;
  if (!(connection instanceof Database) || !connection.open) return null;
  let statements = preparedByConnection.get(connection);
  if (!statements) preparedByConnection.set(connection, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

/** Adapter values as app values: a DateTime column (ISO text on both adapters, or a Date). */
export function adapterDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** A Boolean column: 0/1 on SQLite, a boolean on PostgreSQL. */
export function adapterBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === "1" || value === "true";
}

/** Disconnect and forget the process-wide client (tests, scripts, shutdown). */
export async function disconnectDb(): Promise<void> {
  const current = holder.__sessionLabDb;
  holder.__sessionLabDb = undefined;
  await current?.client.$disconnect();
}

function createSqliteClient(url: string, onConnect: (adapter: SqlDriverAdapter) => void): Db {
  const file = sqliteFilePath(url);
  if (file !== ":memory:") {
    prepareSqliteFile(file);
    // journal_mode is persistent (stored in the file), so set it once here:
    // the adapter opens its own connection and has no hook for pragmas.
    const conn = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    try {
      conn.pragma("journal_mode = WAL");
    } finally {
      conn.close();
    }
  }
  // better-sqlite3 options: `timeout` sets busy_timeout on the adapter's
  // connection; foreign_keys is ON by default in better-sqlite3 builds
  // (SQLITE_DEFAULT_FOREIGN_KEYS=1), and synchronous=NORMAL under WAL.
  // DateTime values are stored as ISO-8601 text ("2025-01-02T03:04:05.678+00:00"),
  // the adapter's default timestampFormat.
  const adapter = countingAdapterFactory(new PrismaBetterSqlite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }), onConnect);
  return new SqlitePrismaClient({ adapter });
}

/**
 * PostgreSQL timeouts (ms): no request waits on an unreachable database for
 * longer than these; it answers 503 instead (lib/server/unavailable.ts), and
 * the pool connects afresh when the database is back.
 */
export const PG_CONNECT_TIMEOUT_MS = 3000;
export const PG_QUERY_TIMEOUT_MS = 5000;

function createPostgresClient(url: string, onConnect: (adapter: SqlDriverAdapter) => void): Db {
  const u = new URL(url);
  const schema = u.searchParams.get("schema");
  u.searchParams.delete("schema");
  const pool = {
    connectionString: u.toString(),
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    query_timeout: PG_QUERY_TIMEOUT_MS,
    keepAlive: true,
  };
  // adapterQuery's statements (and only those: a finite set) get names, so pg prepares each once per connection
  // instead of PostgreSQL parsing and planning it on every request. Prisma's own queries stay unnamed.
  // pg treats an empty name as unnamed (it checks the name's truthiness).
  const statementNameGenerator = (query: { sql: string }) => namedStatements.get(query.sql) ?? "";
  const adapter = countingAdapterFactory(new PrismaPg(pool, { ...(schema ? { schema } : {}), statementNameGenerator }), onConnect);
  return new PostgresPrismaClient({ adapter }) as unknown as Db;
}
