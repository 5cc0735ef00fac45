import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adapterQuery, databaseProvider, getDb } from "@/lib/server/db/client";
import { findSessionByTokenHash, insertSession } from "@/lib/server/data/sessions";
import { getSessionVersion } from "@/lib/server/data/users";
import { measure } from "@/lib/server/timing";
import { newUser } from "../support/db-user";

// The per-request lookups (lib/server/data/*) read through adapterQuery: the same rows as Prisma's
// own query, counted in the measuring scope, and on SQLite prepared once per connection.

async function newSession() {
  const { id: userId } = await newUser("Prepared");
  const now = Date.now();
  const tokenHash = randomBytes(32).toString("hex");
  const row = {
    id: randomBytes(16).toString("base64url"),
    createdAt: new Date(now),
    expiresAt: new Date(now + 60_000),
    absoluteExpiresAt: new Date(now + 120_000),
  };
  await insertSession({ ...row, tokenHash, userId, userAgent: "test", sessionVersion: 0 });
  return { userId, tokenHash, row };
}

describe("adapterQuery", () => {
  afterEach(() => vi.restoreAllMocks());

  it("returns what Prisma stored, converted by the data layer (dates, booleans, numbers)", async () => {
    const { userId, tokenHash, row } = await newSession();
    const found = await findSessionByTokenHash(tokenHash);
    expect(found).toMatchObject({ id: row.id, expiresAt: row.expiresAt, absoluteExpiresAt: row.absoluteExpiresAt });
    expect(found?.user).toEqual({ id: userId, name: "Prepared", role: "member", disabled: false });
    expect(await findSessionByTokenHash("0".repeat(64))).toBeNull();

    await getDb().user.update({ where: { id: userId }, data: { sessionVersion: 3 } });
    expect(await getSessionVersion(userId)).toBe(3);
    // The session row now carries an older version than its user: the join refuses it.
    expect(await findSessionByTokenHash(tokenHash)).toBeNull();
    await getDb().user.update({ where: { id: userId }, data: { disabled: true } });
    expect(await getSessionVersion(userId)).toBeNull();
  });

  it("counts every lookup in the measuring scope (the Server-Timing figure)", async () => {
    const { tokenHash } = await newSession();
    const { result, timing } = await measure(() => findSessionByTokenHash(tokenHash));
    expect(result).not.toBeNull();
    expect(timing.db.count).toBe(1);
  });

  // SQLite only: the statement cache lives on better-sqlite3's connection; the PostgreSQL counterpart is the next test.
  // `npm test` runs this file on SQLite, .ci/run runs it again on PostgreSQL, so each of the two runs somewhere.
  it.runIf(databaseProvider() === "sqlite")("prepares a statement once per connection on SQLite, not per query", async () => {
    const { tokenHash } = await newSession();
    await findSessionByTokenHash(tokenHash); // prepared here, or by an earlier test
    const prepare = vi.spyOn(Database.prototype, "prepare");
    for (let i = 0; i < 20; i++) expect(await findSessionByTokenHash(tokenHash)).not.toBeNull();
    expect(prepare).not.toHaveBeenCalled();
    // Values are always bound, never spliced: a hostile value is just a value that matches nothing.
    expect(await adapterQuery`SELECT "id" FROM "User" WHERE "id" = ${"x' OR '1'='1"}`).toEqual([]);
  });

  // PostgreSQL only (pg_prepared_statements): skipped in `npm test`'s SQLite run, run by .ci/run's PostgreSQL pass.
  it.runIf(databaseProvider() === "postgresql")("names its statements on PostgreSQL, so pg prepares each once per connection", async () => {
    const { tokenHash } = await newSession();
    for (let i = 0; i < 5; i++) expect(await findSessionByTokenHash(tokenHash)).not.toBeNull();
    // Through Prisma (unnamed), on the pool's most recently used connection: the one the lookups ran on.
    const prepared = await getDb().$queryRawUnsafe<{ name: string }[]>(
      `SELECT name FROM pg_prepared_statements WHERE name LIKE 'session\\_lab\\_%'`,
    );
    expect(prepared.length).toBeGreaterThan(0);
    // Only adapterQuery's few statements are named; Prisma's own queries are not.
    expect(prepared.length).toBeLessThan(10);
  });
});
