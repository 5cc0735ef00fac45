import { ApiError } from "@/lib/server/http/route";
import { handoffRoute } from "@/lib/server/handoff/http";

// Unknown endpoints under /api/handoff/ answer JSON, like the rest of the API.
const notFound = async () => {
  throw new ApiError("not_found", "No such handoff endpoint. See docs/api.md.");
};

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  GET: notFound,
  POST: notFound,
  PUT: notFound,
  PATCH: notFound,
  DELETE: notFound,
});
