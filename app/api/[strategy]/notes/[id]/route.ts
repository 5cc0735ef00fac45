import { deleteNote } from "@/lib/server/data/notes";
import { idParam } from "@/lib/server/http/api-helpers";
import { ApiError, apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  DELETE: endpoint({
    access: "user",
    async handler({ user, params }) {
      if (!(await deleteNote(user.id, idParam(params)))) throw new ApiError("not_found", "No such note of yours.");
      return json({ ok: true });
    },
  }),
});
