import { LIVE_TOKEN_HEADER } from "@/lib/compare/live-types";
import { closeLab, snapshot } from "@/lib/server/compare/live";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { ApiError, json } from "@/lib/server/http/route";
import { pathId } from "@/lib/validation";

const NOT_FOUND = "No such live split-screen, or the token is not its own (they close after two idle minutes).";

function lab(params: Record<string, string>, headers: Headers): { id: string; token: string } {
  const id = pathId.safeParse(params.id);
  const token = headers.get(LIVE_TOKEN_HEADER);
  if (!id.success || !token || token.length > 128) throw new ApiError("not_found", NOT_FOUND);
  return { id: id.data, token };
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  // Every pane checked now: accepted or not, the name and role it asserts, the database's.
  GET: labEndpoint({
    async handler({ req, params }) {
      const { id, token } = lab(params, req.headers);
      const snap = await snapshot(id, token);
      if (!snap) throw new ApiError("not_found", NOT_FOUND);
      return json(snap);
    },
  }),
  DELETE: labEndpoint({
    async handler({ req, params }) {
      const { id, token } = lab(params, req.headers);
      if (!(await closeLab(id, token))) throw new ApiError("not_found", NOT_FOUND);
      return json({ ok: true });
    },
  }),
});
