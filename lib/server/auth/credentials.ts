import { findUserForSignIn, upgradePasswordHash } from "@/lib/server/data/users";
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from "@/lib/server/passwords";
import type { Credentials, SessionUser } from "@/lib/server/strategies/types";

export type CredentialCheck =
  /** `sessionVersion` was read with the password hash: a credential that carries it dies with any later bump. */
  { ok: true; user: SessionUser; sessionVersion: number } | { ok: false; reason: "invalid" | "disabled" };

/**
 * The one password check every strategy uses (Auth.js calls it from its
 * Credentials provider). An unknown email costs the same time as a wrong
 * password, and both give the same answer.
 */
export async function verifyCredentials({ email, password }: Credentials): Promise<CredentialCheck> {
  const user = await findUserForSignIn(email);
  if (!user) {
    await burnPasswordCheck(password);
    return { ok: false, reason: "invalid" };
  }
  if (!(await verifyPassword(password, user.passwordHash))) return { ok: false, reason: "invalid" };
  // A hash of an older, cheaper cost is upgraded now that the password is known. Not for a comparison
  // run's leased accounts: their cheap cost is deliberate (lib/server/passwords.ts RUN_ACCOUNT_SCRYPT).
  if (user.leaseId === null && needsRehash(user.passwordHash)) {
    await upgradePasswordHash(user.id, user.passwordHash, await hashPassword(password));
  }
  // Checked after the password, so "disabled" reveals nothing to someone without it.
  if (user.disabled) return { ok: false, reason: "disabled" };
  return { ok: true, user: { id: user.id, name: user.name, role: user.role }, sessionVersion: user.sessionVersion };
}
