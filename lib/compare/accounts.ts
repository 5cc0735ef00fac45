import type { Role } from "@/lib/strategies";
import type { FetchLike, Target } from "./client";
import type { AccountLease, AccountSource } from "./engine";
import type { RunAccount } from "./scenarios";

// Accounts for a run from a remote server: POST /api/compare/leases creates
// them (random passwords, deleted with the lease), DELETE gives them back.
// The CLI uses this; the server's own page runs take the same lease from its
// data layer directly.

export const LEASE_TOKEN_HEADER = "x-lease-token";

/** Orders accounts as asked: the i-th account has the i-th role. */
export function assignRoles(roles: readonly Role[], accounts: readonly RunAccount[]): RunAccount[] {
  const byRole: Record<Role, RunAccount[]> = { admin: [], member: [] };
  for (const a of accounts) byRole[a.role].push(a);
  return roles.map((role) => {
    const next = byRole[role].shift();
    if (!next) throw new Error(`The lease has too few ${role} accounts.`);
    return next;
  });
}

export class LeaseRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

export function httpAccountSource(target: Target, fetchImpl: FetchLike = (url, init) => fetch(url, init)): AccountSource {
  const headers = {
    Accept: "application/json",
    "Content-Type": "application/json",
    ...target.headers,
  };
  return {
    async acquire(roles, signal): Promise<AccountLease> {
      const members = roles.filter((r) => r === "member").length;
      const admins = roles.length - members;
      const res = await fetchImpl(`${target.baseUrl}/api/compare/leases`, {
        method: "POST",
        headers,
        body: JSON.stringify({ members, admins }),
        signal,
      });
      const body = (await res.json().catch(() => null)) as {
        lease?: { id: string; token: string };
        accounts?: RunAccount[];
        error?: string;
        code?: string;
      } | null;
      if (res.status !== 201 || !body?.lease || !Array.isArray(body.accounts)) {
        throw new LeaseRefusedError(res.status, body?.code ?? null, body?.error ?? `POST /api/compare/leases answered ${res.status}.`);
      }
      const { id, token } = body.lease;
      return {
        accounts: assignRoles(roles, body.accounts),
        async release() {
          // Not the run's signal: the accounts must go even when the run was aborted.
          const out = await fetchImpl(`${target.baseUrl}/api/compare/leases/${encodeURIComponent(id)}`, {
            method: "DELETE",
            headers: { ...headers, [LEASE_TOKEN_HEADER]: token },
            signal: AbortSignal.timeout(15_000),
          });
          if (out.status !== 200) throw new Error(`DELETE /api/compare/leases/${id} answered ${out.status}.`);
        },
      };
    },
  };
}
