"use client";

import { useState } from "react";
import type { AdminUserDto } from "@/lib/api-types";
import { ROLES, STRATEGIES, type Role, type StrategyId } from "@/lib/strategies";
import { Message, Status, type FlashMessage } from "./Status";
import { useApiData, useMutation } from "./use-api";

export function Admin({ strategy }: { strategy: StrategyId }) {
  const { value, reload } = useApiData<{ users: AdminUserDto[]; currentUserId: string }>(strategy, "/admin/users");
  const mutate = useMutation(strategy);
  const [message, setMessage] = useState<FlashMessage>(null);
  const revokeAll = STRATEGIES[strategy].capabilities.revokeAllSessions;

  async function act(path: string, body: unknown, done: string) {
    const result = await mutate<{ note?: string; sessionsEnded?: number | null }>(path, { method: "POST", body });
    if (!result.ok) return setMessage({ kind: "error", text: result.error });
    const ended = typeof result.data.sessionsEnded === "number" ? ` ${result.data.sessionsEnded} session(s) ended.` : "";
    setMessage({ kind: "ok", text: `${done}.${ended}${result.data.note ? ` ${result.data.note}` : ""}` });
    reload();
  }

  return (
    <div className="stack">
      <Status value={value}>
        {({ users, currentUserId }) => (
          <table className="table">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Status</th>
                <th>Sessions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-testid={`user-row-${u.email}`}>
                  <td>
                    {u.name} {u.id === currentUserId && <span className="muted">(you)</span>}
                    <br />
                    <small className="muted">{u.email}</small>
                  </td>
                  <td>
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={u.id === currentUserId}
                      title={u.id === currentUserId ? "You cannot change your own role" : undefined}
                      onChange={(e) =>
                        act(`/admin/users/${u.id}/role`, { role: e.target.value as Role }, `Role of ${u.email} set to ${e.target.value}`)
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      disabled={u.id === currentUserId}
                      onClick={() =>
                        act(`/admin/users/${u.id}/disable`, { disabled: !u.disabled }, `${u.email} ${u.disabled ? "enabled" : "disabled"}`)
                      }
                    >
                      {u.disabled ? "Enable" : "Disable"}
                    </button>{" "}
                    {u.disabled && <span className="badge">disabled</span>}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      disabled={revokeAll !== true}
                      title={revokeAll === true ? "End every session of this user" : revokeAll}
                      onClick={() => act(`/admin/users/${u.id}/revoke`, undefined, `Sessions of ${u.email} revoked`)}
                    >
                      Revoke all
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Status>
      {revokeAll !== true && <p className="muted">Revoke all is not available here: {revokeAll}</p>}
      <Message message={message} />
    </div>
  );
}
