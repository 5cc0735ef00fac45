import { getRun } from "@/lib/server/data/compare";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { ApiError, json } from "@/lib/server/http/route";
import { pathId } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  GET: labEndpoint({
    async handler({ params }) {
      const id = pathId.safeParse(params.id);
      const run = id.success ? await getRun(id.data) : null;
      if (!run) throw new ApiError("not_found", "No such run.");
      return json({ run: { ...run, createdAt: run.createdAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null } });
    },
  }),
});
