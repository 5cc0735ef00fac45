"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { MeResponse, PublicUser } from "@/lib/api-types";
import { STRATEGIES, type StrategyId } from "@/lib/strategies";
import { MIN_PASSWORD_LENGTH } from "@/lib/validation";
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
  const [name, setName] = useState(initialName);
  const [message, setMessage] = useState<FlashMessage>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setMessage({ kind: "error", text: "Your name cannot be empty." });
    const result = await mutate<{ user: PublicUser }>("/profile", { method: "PATCH", body: { name } });
    setMessage(
      result.ok ? { kind: "ok", text: `Saved: your name is now “${result.data.user.name}”.` } : { kind: "error", text: result.error },
    );
    if (result.ok) router.refresh();
  }
  return (
    <form className="card form" onSubmit={submit}>
      <h2>Display name</h2>
      <label>
        Name
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required />
      </label>
      <button type="submit">Save name</button>
      <Message message={message} />
    </form>
  );
}

function PasswordForm({ strategy }: { strategy: StrategyId }) {
  const mutate = useMutation(strategy);
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [message, setMessage] = useState<FlashMessage>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const result = await mutate<{ otherSessionsEnded: number | null; note?: string }>("/password", {
      method: "POST",
      body: { currentPassword, newPassword },
    });
    if (!result.ok) return setMessage({ kind: "error", text: result.error });
    setCurrent("");
    setNew("");
    const ended = result.data.otherSessionsEnded;
    setMessage({
      kind: "ok",
      text: ended === null ? `Password changed. ${result.data.note ?? ""}` : `Password changed; ${ended} other session(s) ended.`,
    });
  }
  return (
    <form className="card form" onSubmit={submit}>
      <h2>Change password</h2>
      <label>
        Current password
        <input
          type="password"
          name="currentPassword"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </label>
      <label>
        New password
        <input
          type="password"
          name="newPassword"
          autoComplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
          required
        />
      </label>
      <p className="muted">
        {STRATEGIES[strategy].capabilities.revokeAllSessions === true
          ? "Changing it signs out your other devices."
          : "Your other devices stay signed in: " + STRATEGIES[strategy].capabilities.revokeAllSessions}
      </p>
      <button type="submit">Change password</button>
      <Message message={message} />
    </form>
  );
}
