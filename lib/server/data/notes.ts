import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/server/db/client";

export interface Note {
  id: string;
  title: string;
  body: string;
  createdAt: Date;
}

const noteSelect = { id: true, title: true, body: true, createdAt: true } as const;

export const MAX_NOTES_PER_USER = 500;

export function listNotes(userId: string): Promise<Note[]> {
  return getDb().note.findMany({ where: { userId }, select: noteSelect, orderBy: { createdAt: "desc" } });
}

export function countNotes(userId: string): Promise<number> {
  return getDb().note.count({ where: { userId } });
}

export function createNote(userId: string, input: { title: string; body: string }): Promise<Note> {
  return getDb().note.create({ data: { id: randomUUID(), userId, ...input }, select: noteSelect });
}

/** Deletes only the caller's own note; false when there is no such note of theirs. */
export async function deleteNote(userId: string, noteId: string): Promise<boolean> {
  const { count } = await getDb().note.deleteMany({ where: { id: noteId, userId } });
  return count > 0;
}
