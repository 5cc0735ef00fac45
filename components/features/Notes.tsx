"use client";

import { useActionState } from "react";
import type { NoteDto } from "@/lib/api-types";
import type { StrategyId } from "@/lib/strategies";
import { failed, textField, type FormState } from "./forms";
import { formatTime } from "./format";
import { Message, Status, type FlashMessage } from "./Status";
import { isGone, useApiData, useMutation, type Mutate } from "./use-api";

interface NoteDraft {
  title: string;
  body: string;
}

const EMPTY_DRAFT: NoteDraft = { title: "", body: "" };

export function Notes({ strategy }: { strategy: StrategyId }) {
  const { value, reload } = useApiData<{ notes: NoteDto[] }>(strategy, "/notes");
  const mutate = useMutation(strategy);

  const [state, addNote, adding] = useActionState(
    async (_previous: FormState<NoteDraft>, form: FormData): Promise<FormState<NoteDraft>> => {
      const draft = { title: textField(form, "title"), body: textField(form, "body") };
      // `required` lets a title of spaces through; the API would answer 400.
      if (!draft.title.trim()) return failed("Give the note a title.", draft);
      const result = await mutate("/notes", { method: "POST", body: draft });
      if (!result.ok) return failed(result.error, draft);
      await reload();
      return { message: null, values: EMPTY_DRAFT };
    },
    { message: null, values: EMPTY_DRAFT },
  );

  return (
    <div className="stack">
      <form className="card form" action={addNote}>
        <h2>New note</h2>
        <label>
          Title
          <input name="title" defaultValue={state.values.title} maxLength={120} required />
        </label>
        <label>
          Body
          <textarea name="body" defaultValue={state.values.body} maxLength={5000} rows={3} />
        </label>
        <button type="submit" disabled={adding}>
          {adding ? "Saving…" : "Add note"}
        </button>
        <Message message={state.message} />
      </form>
      <Status value={value}>
        {({ notes }) =>
          notes.length === 0 ? (
            <p className="muted">No notes yet. Notes are the protected data: only you can see yours.</p>
          ) : (
            <ul className="list" aria-label="Your notes">
              {notes.map((n) => (
                <NoteItem key={n.id} note={n} mutate={mutate} reload={reload} />
              ))}
            </ul>
          )
        }
      </Status>
    </div>
  );
}

function NoteItem({ note, mutate, reload }: { note: NoteDto; mutate: Mutate; reload: () => Promise<void> }) {
  // Each note has its own action, so its Delete button is disabled while its delete runs.
  const [failure, remove, removing] = useActionState(async (): Promise<FlashMessage> => {
    const result = await mutate(`/notes/${note.id}`, { method: "DELETE" });
    // Already gone (another tab, or a second click that got in before the button was disabled): not an error.
    if (!result.ok && !isGone(result)) return { kind: "error", text: result.error };
    await reload();
    return null;
  }, null);

  return (
    <li className="card row" data-testid="note">
      <div>
        <strong>{note.title}</strong>
        {note.body && <p>{note.body}</p>}
        <small className="muted">{formatTime(note.createdAt)}</small>
        <Message message={failure} />
      </div>
      <form action={remove}>
        <button type="submit" className="secondary" disabled={removing} aria-label={`Delete note ${note.title}`}>
          Delete
        </button>
      </form>
    </li>
  );
}
