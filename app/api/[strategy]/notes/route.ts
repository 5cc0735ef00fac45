import { createNoteWithinLimit, listNotes, MAX_NOTES_PER_USER } from "@/lib/server/data/notes";
import { requireOwnProfile } from "@/lib/server/http/api-helpers";
import { ApiError, apiRoute, json, endpoint } from "@/lib/server/http/route";
import { noteBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  GET: endpoint({
    access: "user",
    async handler({ user }) {
      await requireOwnProfile(user.id);
      return json({ notes: await listNotes(user.id) });
    },
  }),
  POST: endpoint({
    access: "user",
    body: noteBody,
    async handler({ user, body }) {
      const note = await createNoteWithinLimit(user.id, body);
      if (note === "no_account") throw new ApiError("not_signed_in", "Your account no longer exists. Sign in again.");
      if (note === "limit") throw new ApiError("conflict", `You already have ${MAX_NOTES_PER_USER} notes; delete some first.`);
      return json({ note }, 201);
    },
  }),
});
