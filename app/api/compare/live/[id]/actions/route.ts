import { z } from "zod";
import { LIVE_ACTIONS, LIVE_TOKEN_HEADER } from "@/lib/compare/live-types";
import { act } from "@/lib/server/compare/live";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { ApiError, json } from "@/lib/server/http/route";
import { displayName, pathId } from "@/lib/validation";

// The split-screen's admin panel: demote/promote, disable/enable, revoke
// (through every variant), rename (from the user's own settings device), sign in again.
const actionBody = z.object({ action: z.enum(LIVE_ACTIONS), name: displayName.optional() }).strict();

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  POST: labEndpoint({
    body: actionBody,
    async handler({ req, params, body }) {
      const id = pathId.safeParse(params.id);
      const token = req.headers.get(LIVE_TOKEN_HEADER);
      const result = id.success && token && token.length <= 128 ? await act(id.data, token, body.action, body.name) : null;
      if (!result) throw new ApiError("not_found", "No such live split-screen, or the token is not its own.");
      return json({ result });
    },
  }),
});
