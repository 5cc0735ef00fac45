// /api/handoff itself is not an endpoint either.
export { GET, POST, PUT, PATCH, DELETE, OPTIONS } from "./[...rest]/route";
