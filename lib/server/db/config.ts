// Database selection shared by the app (client.ts, migrate.ts) and the
// scripts in scripts/db/. No imports of generated code or drivers here, so
// it is cheap to import from anywhere (including prisma.config.ts).
//
// Paths are resolved against process.cwd() (the project root), never
// __dirname/import.meta: Next.js bundles server code into .next/.
import fs from "node:fs";
import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

/** Used when DATABASE_URL is unset or empty. Relative to the project root. */
export const DEFAULT_DATABASE_URL = "file:./data/session-lab.db";

/** Per provider: derived schema and migrations folder, relative to the project root. */
export const PROVIDER_PATHS: Record<DatabaseProvider, { schema: string; migrations: string }> = {
  sqlite: { schema: "prisma/schema.prisma", migrations: "prisma/migrations" },
  postgresql: { schema: "prisma/postgres/schema.prisma", migrations: "prisma/postgres/migrations" },
};

/** A DATABASE_URL value, or the default when it is unset or empty. The app's env schema uses it too. */
export function databaseUrlOrDefault(url: string | undefined): string {
  const trimmed = url?.trim();
  return trimmed ? trimmed : DEFAULT_DATABASE_URL;
}

/** The database of this process: env DATABASE_URL, or the default. */
export function resolveDatabaseUrl(url: string | undefined = process.env.DATABASE_URL): string {
  return databaseUrlOrDefault(url);
}

export function providerForUrl(url: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  if (/^file:/i.test(url)) return "sqlite";
  throw new Error(
    `Unsupported DATABASE_URL ${JSON.stringify(redactUrl(url))}: expected "file:<path>" (SQLite) or "postgres://" / "postgresql://" (PostgreSQL).`,
  );
}

/**
 * Absolute path of the SQLite file for a `file:` URL (query string, e.g.
 * `?connection_limit=1`, is ignored). ":memory:" is passed through.
 */
export function sqliteFilePath(url: string, cwd: string = process.cwd()): string {
  const withoutScheme = url.replace(/^file:/i, "");
  const withoutQuery = withoutScheme.split("?")[0] ?? "";
  if (withoutQuery === "") throw new Error(`DATABASE_URL ${JSON.stringify(url)} has no file path.`);
  if (withoutQuery === ":memory:") return withoutQuery;
  return path.resolve(cwd, withoutQuery);
}

/** Absolute migrations folder for a provider. */
export function migrationsDir(provider: DatabaseProvider, cwd: string = process.cwd()): string {
  return path.resolve(cwd, PROVIDER_PATHS[provider].migrations);
}

/** For error messages: hide the password in a connection string. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
}

/**
 * Makes sure a SQLite file (sessions, password hashes) is the owner's only:
 * its folder is created 0700 (and the project's own data/ tightened to it),
 * the file created or tightened to 0600. SQLite gives the -wal and -shm files
 * the main file's permissions.
 */
export function prepareSqliteFile(file: string, cwd: string = process.cwd()): void {
  if (file === ":memory:") return;
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (path.resolve(dir) === path.resolve(cwd, "data")) fs.chmodSync(dir, 0o700);
  fs.closeSync(fs.openSync(file, "a", 0o600));
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      fs.chmodSync(file + suffix, 0o600);
    } catch {
      // -wal/-shm exist only while a connection has the file open in WAL mode.
    }
  }
}
