import { apiRoute, errorResponse, endpoint } from "@/lib/server/http/route";

// Unknown endpoints under /api/{strategy}/ answer JSON, like the rest of the API.
const notFound = endpoint({ access: "public", handler: async () => errorResponse("not_found", "No such API endpoint. See docs/api.md.") });

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  GET: notFound,
  POST: notFound,
  PUT: notFound,
  PATCH: notFound,
  DELETE: notFound,
});
