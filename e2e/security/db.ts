import Database from "better-sqlite3";
import pg from "pg";

// Read-only access to the database the local web server uses (playwright.config.ts: E2E_DATABASE_URL or
// data/e2e.db), for the properties only a look at the stored rows can show (tokens hashed at rest).

const URL_ = process.env.E2E_DATABASE_URL ?? "file:./data/e2e.db";

export async function queryRows(sql: { sqlite: string; postgres: string }): Promise<Record<string, unknown>[]> {
  if (URL_.startsWith("file:")) {
    const db = new Database(URL_.slice("file:".length), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql.sqlite).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: URL_.replace(/[?&]schema=[^&]*/, "") });
  await client.connect();
  try {
    const schema = /[?&]schema=([^&]+)/.exec(URL_)?.[1];
    if (schema) await client.query(`SET search_path TO "${schema.replace(/"/g, "")}"`);
    return (await client.query(sql.postgres)).rows;
  } finally {
    await client.end();
  }
}
