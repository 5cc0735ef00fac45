"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import type { MeResponse, PublicUser } from "@/lib/api-types";
import { STRATEGIES, type StrategyId } from "@/lib/strategies";
import { MIN_PASSWORD_LENGTH } from "@/lib/validation";
import { failed, textField, type FormState } from "./forms";
import { Message, Status, type FlashMessage } from "./Status";
import { useApiData, useMutation } from "./use-api";

export function Settings({ strategy }: { strategy: StrategyId }) {
  const { value } = useApiData<MeResponse>(strategy, "/me");
  return (
    <Status value={value}>
      {(me) => (
        <div className="grid">
          <RenameForm strategy={strategy} initialName={me.database?.name ?? me.user.name} />
          <PasswordForm strategy={strategy} />
        </div>
      )}
    </Status>
  );
}

function RenameForm({ strategy, initialName }: { strategy: StrategyId; initialName: string }) {
  const router = useRouter();
  const mutate = useMutation(strategy);
  const [state, rename, saving] = useActionState(
    async (_previous: FormState<{ name: string }>, form: FormData): Promise<FormState<{ name: string }>> => {
      const name = textField(form, "name");
      if (!name.trim()) return failed("Your name cannot be empty.", { name });
      const result = await mutate<{ user: PublicUser }>("/profile", { method: "PATCH", body: { name } });
      if (!result.ok) return failed(result.error, { name });
      // The credential was re-issued: server-rendered parts read the session again.
      router.refresh();
      const saved = result.data.user.name;
      return { message: { kind: "ok", text: `Saved: your name is now “${saved}”.` }, values: { name: saved } };
    },
    { message: null, values: { name: initialName } },
  );
  return (
    <form className="card form" action={rename}>
      <h2>Display name</h2>
      <label>
        Name
        <input name="name" defaultValue={state.values.name} maxLength={80} required />
      </label>
      <button type="submit" disabled={saving}>
        {saving ? "Saving…" : "Save name"}
      </button>
      <Message message={state.message} />
    </form>
  );
}

interface PasswordChanged {
  otherSessionsEnded: number | null;
  note?: string;
  revocation: { statefulSessionsEnded: number; notEnded: string[] };
}

function PasswordForm({ strategy }: { strategy: StrategyId }) {
  const mutate = useMutation(strategy);
  // No values to give back: React's reset empties both password fields after every attempt.
  const [message, changePassword, changing] = useActionState(async (_previous: FlashMessage, form: FormData): Promise<FlashMessage> => {
    const body = { currentPassword: textField(form, "currentPassword"), newPassword: textField(form, "newPassword") };
    const result = await mutate<PasswordChanged>("/password", { method: "POST", body });
    if (!result.ok) return { kind: "error", text: result.error };
    const { otherSessionsEnded: ended, note, revocation } = result.data;
    const here = ended === null ? `Password changed. ${note ?? ""}` : `Password changed; ${ended} other session(s) ended.`;
    const elsewhere =
      ` Stateful sessions ended: ${revocation.statefulSessionsEnded}.` +
      (revocation.notEnded.length > 0 ? ` Still valid until they expire: ${revocation.notEnded.join(", ")} credentials.` : "");
    return { kind: "ok", text: here + elsewhere };
  }, null);
  const revokeAll = STRATEGIES[strategy].capabilities.revokeAllSessions;
  return (
    <form className="card form" action={changePassword}>
      <h2>Change password</h2>
      <label>
        Current password
        <input type="password" name="currentPassword" autoComplete="current-password" required />
      </label>
      <label>
        New password
        <input type="password" name="newPassword" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required />
      </label>
      <p className="muted">
        {revokeAll === true ? "Changing it signs out your other devices." : "Your other devices stay signed in: " + revokeAll}
      </p>
      <button type="submit" disabled={changing}>
        {changing ? "Changing…" : "Change password"}
      </button>
      <Message message={message} />
    </form>
  );
}
