import { z } from "zod";
import { parseRunSettings } from "@/lib/compare/settings";
import { leaseRefusal, requireCompareEnabled } from "@/lib/server/compare/http";
import { startPageRun } from "@/lib/server/compare/runs";
import { listRuns } from "@/lib/server/data/compare";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { ApiError, json } from "@/lib/server/http/route";

const MAX_LIST = 100;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  // History, newest first: ?limit=1..100 (default 20), ?before=<ISO time> for the next page.
  GET: labEndpoint({
    async handler({ req }) {
      const params = req.nextUrl.searchParams;
      const limitText = params.get("limit");
      const limit = limitText === null ? 20 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
        throw new ApiError("invalid_query", `limit must be an integer from 1 to ${MAX_LIST}.`);
      }
      const beforeText = params.get("before");
      const before = beforeText === null ? undefined : new Date(beforeText);
      if (before && (beforeText!.length > 40 || Number.isNaN(before.getTime()))) {
        throw new ApiError("invalid_query", "before must be an ISO date-time, e.g. 2026-01-02T03:04:05.000Z.");
      }
      const runs = await listRuns(limit, before);
      return json({
        runs: runs.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null })),
        next: runs.length === limit ? runs.at(-1)!.createdAt.toISOString() : null,
      });
    },
  }),
  // Starts a run on this server and streams its events as NDJSON (lib/compare/types.ts RunEvent).
  POST: labEndpoint({
    body: z.unknown(),
    async handler({ req, body }) {
      requireCompareEnabled();
      const parsed = parseRunSettings(body);
      if (!parsed.ok) throw new ApiError(parsed.code, parsed.error);
      const started = await startPageRun(parsed.settings, req.signal);
      if (!started.ok) throw leaseRefusal(started.refusal);
      return new Response(started.stream, {
        status: 200,
        headers: {
          "Content-Type": "application/x-ndjson; charset=utf-8",
          "X-Run-Id": started.runId,
          // No proxy buffering: the page shows progress cell by cell.
          "X-Accel-Buffering": "no",
        },
      });
    },
  }),
});
