"use client";

import { useState } from "react";
import type { NoteDto } from "@/lib/api-types";
import type { StrategyId } from "@/lib/strategies";
import { formatTime } from "./format";
import { Message, Status, type FlashMessage } from "./Status";
import { useApiData, useMutation } from "./use-api";

export function Notes({ strategy }: { strategy: StrategyId }) {
  const { value, reload } = useApiData<{ notes: NoteDto[] }>(strategy, "/notes");
  const mutate = useMutation(strategy);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<FlashMessage>(null);

  async function add(e: React.FormEvent) {
    e.preventDefault();
    if (!title.trim()) return setMessage({ kind: "error", text: "Give the note a title." });
    setBusy(true);
    const result = await mutate("/notes", { method: "POST", body: { title, body } });
    setBusy(false);
    if (!result.ok) return setMessage({ kind: "error", text: result.error });
    setTitle("");
    setBody("");
    setMessage(null);
    reload();
  }

  const [deleting, setDeleting] = useState<ReadonlySet<string>>(new Set());

  async function remove(id: string) {
    if (deleting.has(id)) return;
    setDeleting((d) => new Set(d).add(id));
    const result = await mutate(`/notes/${id}`, { method: "DELETE" });
    // 404: it is already gone (another tab, or a second click got there first).
    setMessage(result.ok || result.status === 404 ? null : { kind: "error", text: result.error });
    reload();
  }

  return (
    <div className="stack">
      <form className="card form" onSubmit={add}>
        <h2>New note</h2>
        <label>
          Title
          <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} required />
        </label>
        <label>
          Body
          <textarea name="body" value={body} onChange={(e) => setBody(e.target.value)} maxLength={5000} rows={3} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Add note"}
        </button>
        <Message message={message} />
      </form>
      <Status value={value}>
        {({ notes }) =>
          notes.length === 0 ? (
            <p className="muted">No notes yet. Notes are the protected data: only you can see yours.</p>
          ) : (
            <ul className="list" aria-label="Your notes">
              {notes.map((n) => (
                <li key={n.id} className="card row" data-testid="note">
                  <div>
                    <strong>{n.title}</strong>
                    {n.body && <p>{n.body}</p>}
                    <small className="muted">{formatTime(n.createdAt)}</small>
                  </div>
                  <button
                    type="button"
                    className="secondary"
                    disabled={deleting.has(n.id)}
                    onClick={() => remove(n.id)}
                    aria-label={`Delete note ${n.title}`}
                  >
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Status>
    </div>
  );
}
