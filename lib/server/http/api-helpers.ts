import { accountScope } from "@/lib/server/data/compare";
import { changeUserAsAdmin, getProfile, type Profile } from "@/lib/server/data/users";
import type { Role } from "@/lib/strategies";
import type { Capability, SessionCapabilities, SessionUser } from "@/lib/server/strategies/types";
import type { SessionStrategy } from "@/lib/server/strategies";
import { pathId } from "@/lib/validation";
import { ApiError } from "./route";

/** The capability's implementation, or an \`unsupported\` answer carrying the strategy's one-line reason. */
export function requireCapability<K extends keyof SessionCapabilities>(
  strategy: SessionStrategy,
  name: K,
): SessionCapabilities[K] extends Capability<infer F> ? F : never {
  const capability = strategy.capabilities[name];
  if (!capability.supported) throw new ApiError("unsupported", capability.reason, { capability: name });
  return capability.run as never;
}

export function idParam(params: Record<string, string>, name = "id"): string {
  const parsed = pathId.safeParse(params[name]);
  if (!parsed.success) throw new ApiError("not_found", "Not found.");
  return parsed.data;
}

export async function requireProfile(userId: string): Promise<Profile> {
  const profile = await getProfile(userId);
  if (!profile) throw new ApiError("not_found", "User not found.");
  return profile;
}

/**
 * The caller's own account. A credential can outlive it (a sealed cookie or JWT kept across a demo
 * reset, a deleted account): that caller is not signed in (401), never a 404 or a 500.
 */
export async function requireOwnProfile(userId: string): Promise<Profile> {
  const profile = await getProfile(userId);
  if (!profile) throw new ApiError("not_signed_in", "Your account no longer exists. Sign in again.");
  return profile;
}

export function publicUser(p: Profile) {
  return { id: p.id, email: p.email, name: p.name, role: p.role };
}

/** Refuse admin actions on one's own account that could lock the last admin out. */
export function refuseSelf(actor: SessionUser, targetId: string, what: string): void {
  if (actor.id === targetId) throw new ApiError("conflict", `You cannot ${what} your own account.`);
}

/**
 * Admins act only within their own scope: ordinary accounts on ordinary
 * accounts, a comparison run's admin on its own run's accounts. Anything else
 * is "not found", so a run's admin cannot disable, demote or revoke a demo
 * user, nor even learn that the id exists. A user's scope never changes.
 */
export async function requireAdminScope(actorId: string, targetId: string): Promise<void> {
  const [actor, target] = await Promise.all([accountScope(actorId), accountScope(targetId)]);
  if (!actor || !target || actor.leaseId !== target.leaseId) throw new ApiError("not_found", "User not found.");
}

/** The scope of the users an admin may list (see requireAdminScope). */
export async function adminScope(actorId: string): Promise<string | null> {
  const actor = await accountScope(actorId);
  if (!actor) throw new ApiError("not_signed_in", "Your account no longer exists.");
  return actor.leaseId;
}

/**
 * An admin's role or disable change, re-checked in the database (changeUserAsAdmin): 404 for an unknown
 * target, 403 when the acting admin is no longer one (a stale credential), 409 `last_admin` when it would
 * leave the scope without an enabled admin.
 */
export async function requireAdminChange(actorId: string, targetId: string, data: { role?: Role; disabled?: boolean }) {
  const result = await changeUserAsAdmin(actorId, targetId, data);
  if (result.ok) return result;
  if (result.reason === "not_found") throw new ApiError("not_found", "User not found.");
  if (result.reason === "actor_not_admin") throw new ApiError("forbidden", "Admins only: your account is no longer an enabled admin.");
  throw new ApiError("last_admin", "Refused: this change would leave no enabled admin.");
}
