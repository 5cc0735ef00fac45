"use client";

import { useActionState, useId } from "react";
import type { AdminUserDto } from "@/lib/api-types";
import { ROLES, STRATEGIES, isRole, type Role, type StrategyId } from "@/lib/strategies";
import { textField } from "./forms";
import { Message, Status, type FlashMessage } from "./Status";
import { useApiData, useMutation } from "./use-api";

/** What an admin asked for in one user's row. */
type AdminCommand = { kind: "role"; user: AdminUserDto; role: Role } | { kind: "disable" | "enable" | "revoke"; user: AdminUserDto };

interface AdminActionResponse {
  sessionsEnded?: number | null;
  note?: string;
}

export function Admin({ strategy }: { strategy: StrategyId }) {
  const { value, reload } = useApiData<{ users: AdminUserDto[]; currentUserId: string }>(strategy, "/admin/users");
  const mutate = useMutation(strategy);
  const listed = value.state === "ready" ? value.data.users : [];
  const revokeAll = STRATEGIES[strategy].capabilities.revokeAllSessions;

  // One action for the whole table: while it runs every control is disabled, so changes never overlap.
  const [message, act, acting] = useActionState(async (_previous: FlashMessage, form: FormData): Promise<FlashMessage> => {
    const command = readCommand(form, listed);
    if (!command) {
      await reload();
      return { kind: "error", text: "That user is no longer in the list." };
    }
    const { path, body, done } = describe(command);
    const result = await mutate<AdminActionResponse>(path, { method: "POST", body });
    if (!result.ok) return { kind: "error", text: result.error };
    // Reload before the action ends: React then resets the row's form to the new values.
    await reload();
    const ended = typeof result.data.sessionsEnded === "number" ? ` ${result.data.sessionsEnded} session(s) ended.` : "";
    return { kind: "ok", text: `${done}.${ended}${result.data.note ? ` ${result.data.note}` : ""}` };
  }, null);

  return (
    <div className="stack">
      <Status value={value}>
        {({ users, currentUserId }) => (
          <table className="table" aria-busy={acting}>
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
                <UserRow key={u.id} user={u} you={u.id === currentUserId} act={act} acting={acting} revokeAll={revokeAll} />
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

function UserRow({
  user,
  you,
  act,
  acting,
  revokeAll,
}: {
  user: AdminUserDto;
  you: boolean;
  act: (form: FormData) => void;
  acting: boolean;
  revokeAll: true | string;
}) {
  const formId = useId();
  return (
    <tr data-testid={`user-row-${user.email}`}>
      <td>
        {/* A table row cannot contain a <form>: the row's controls join this one through their form attribute. */}
        <form id={formId} action={act} hidden>
          <input type="hidden" name="userId" value={user.id} />
        </form>
        {user.name} {you && <span className="muted">(you)</span>}
        <br />
        <small className="muted">{user.email}</small>
      </td>
      <td>
        <select
          // React does not re-apply a changed defaultValue to a <select>: a new role is a new element.
          key={user.role}
          form={formId}
          name="role"
          aria-label={`Role of ${user.email}`}
          defaultValue={user.role}
          disabled={you || acting}
          title={you ? "You cannot change your own role" : undefined}
          // Choosing a role is the submission; a failed change is undone by React's reset of the form.
          onChange={(e) => e.currentTarget.form?.requestSubmit()}
        >
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </td>
      <td>
        <button
          form={formId}
          type="submit"
          name="intent"
          value={user.disabled ? "enable" : "disable"}
          className="secondary"
          disabled={you || acting}
        >
          {user.disabled ? "Enable" : "Disable"}
        </button>{" "}
        {user.disabled && <span className="badge">disabled</span>}
      </td>
      <td>
        <button
          form={formId}
          type="submit"
          name="intent"
          value="revoke"
          className="secondary"
          disabled={revokeAll !== true || acting}
          title={revokeAll === true ? "End every session of this user" : revokeAll}
        >
          Revoke all
        </button>
      </td>
    </tr>
  );
}

/** The command a row's form carries: its buttons name their intent; the role select submits without one. */
function readCommand(form: FormData, users: readonly AdminUserDto[]): AdminCommand | null {
  const user = users.find((u) => u.id === textField(form, "userId"));
  if (!user) return null;
  const intent = textField(form, "intent");
  if (intent === "disable" || intent === "enable" || intent === "revoke") return { kind: intent, user };
  const role = textField(form, "role");
  return isRole(role) ? { kind: "role", user, role } : null;
}

function describe(command: AdminCommand): { path: string; body?: unknown; done: string } {
  const { user } = command;
  switch (command.kind) {
    case "role":
      return { path: `/admin/users/${user.id}/role`, body: { role: command.role }, done: `Role of ${user.email} set to ${command.role}` };
    case "disable":
    case "enable":
      return {
        path: `/admin/users/${user.id}/disable`,
        body: { disabled: command.kind === "disable" },
        done: `${user.email} ${command.kind}d`,
      };
    case "revoke":
      return { path: `/admin/users/${user.id}/revoke`, done: `Sessions of ${user.email} revoked` };
  }
}
