import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { errorResponse } from "@/lib/server/http/route";

// Unknown endpoints under /api/compare/ answer JSON like the rest of the API.
const notFound = labEndpoint({ handler: async () => errorResponse("not_found", "No such comparison endpoint. See docs/api.md.") });

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  GET: notFound,
  POST: notFound,
  PUT: notFound,
  PATCH: notFound,
  DELETE: notFound,
});
