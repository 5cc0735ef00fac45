import { EXPORT_FORMATS, EXPORT_TYPES, exportRun, type ExportFormat } from "@/lib/compare/export";
import type { RunResult } from "@/lib/compare/types";
import { getRun } from "@/lib/server/data/compare";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { ApiError } from "@/lib/server/http/route";
import { pathId } from "@/lib/validation";

const isFormat = (value: string | null): value is ExportFormat => value !== null && (EXPORT_FORMATS as readonly string[]).includes(value);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  // A stored run as a download: ?format=json (default), csv or md.
  GET: labEndpoint({
    async handler({ req, params }) {
      const requested = req.nextUrl.searchParams.get("format") ?? "json";
      if (!isFormat(requested)) throw new ApiError("invalid_query", `format must be one of ${EXPORT_FORMATS.join(", ")}.`);
      const id = pathId.safeParse(params.id);
      const run = id.success ? await getRun(id.data) : null;
      if (!run) throw new ApiError("not_found", "No such run.");
      if (!run.result) throw new ApiError("not_found", `Run ${run.id} has no result to export (${run.status}).`);
      const body = exportRun(run.result as RunResult, requested);
      return new Response(body, {
        headers: {
          "Content-Type": EXPORT_TYPES[requested],
          "Content-Disposition": `attachment; filename="session-lab-${run.id}.${requested}"`,
          "X-Content-Type-Options": "nosniff",
        },
      });
    },
  }),
});
