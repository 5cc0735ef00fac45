import { randomUUID } from "node:crypto";
import { databaseProvider, getDb } from "@/lib/server/db/client";

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

/**
 * Creates the note unless the user already has `max` ("limit") or no longer
 * exists ("no_account": a credential that outlived its account). The count
 * and the insert are one transaction holding a lock on the user's row
 * (PostgreSQL: SELECT … FOR UPDATE; SQLite: the database write lock, taken by
 * a first write), so parallel requests at the limit take turns and never
 * pass it together.
 */
export async function createNoteWithinLimit(
  userId: string,
  input: { title: string; body: string },
  max = MAX_NOTES_PER_USER,
): Promise<Note | "limit" | "no_account"> {
  const postgres = databaseProvider() === "postgresql";
  return getDb().$transaction(async (tx) => {
    const locked = postgres
      ? (await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "User" WHERE "id" = ${userId} FOR UPDATE`).length
      : await tx.$executeRaw`UPDATE "User" SET "id" = "id" WHERE "id" = ${userId}`;
    if (locked === 0) return "no_account";
    if ((await tx.note.count({ where: { userId } })) >= max) return "limit";
    return tx.note.create({ data: { id: randomUUID(), userId, ...input }, select: noteSelect });
  });
}

export function createNote(userId: string, input: { title: string; body: string }): Promise<Note> {
  return getDb().note.create({ data: { id: randomUUID(), userId, ...input }, select: noteSelect });
}

/** Deletes only the caller's own note; false when there is no such note of theirs. */
export async function deleteNote(userId: string, noteId: string): Promise<boolean> {
  const { count } = await getDb().note.deleteMany({ where: { id: noteId, userId } });
  return count > 0;
}
