import { adapterQuery, getDb } from "@/lib/server/db/client";

// The jwt-denylist variant's table: revoked tokens by issuer and jti, each
// kept until the token would be refused anyway (then purged).

/** Idempotent: the same jti always belongs to the same token, so a second insert changes nothing. */
export async function insertDeniedToken(issuer: string, jti: string, expiresAt: Date): Promise<void> {
  await getDb().$executeRaw`
    INSERT INTO "DeniedToken" ("issuer", "jti", "expiresAt") VALUES (${issuer}, ${jti}, ${expiresAt})
    ON CONFLICT DO NOTHING`;
}

/** The per-request check: one primary-key lookup. */
export async function isTokenDenied(issuer: string, jti: string): Promise<boolean> {
  const rows = await adapterQuery`SELECT 1 AS "denied" FROM "DeniedToken" WHERE "issuer" = ${issuer} AND "jti" = ${jti}`;
  return rows.length > 0;
}

export async function deleteExpiredDeniedTokens(now: Date): Promise<number> {
  const { count } = await getDb().deniedToken.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
