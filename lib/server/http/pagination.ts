import { z } from "zod";
import { ApiError } from "./route";

// Keyset pagination of a list ordered newest first by (createdAt, id): an
// opaque cursor names the last item of a page, so items ending or starting
// between two requests never shift the next page.

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;

const cursorShape = z.object({ t: z.number().int().nonnegative(), id: z.string().min(1).max(64) });
type Cursor = z.infer<typeof cursorShape>;

export interface PageRequest {
  limit: number;
  after: Cursor | null;
}

/** `?limit=` (1–100, default 50) and `?cursor=` (from a previous page's `nextCursor`); 400 invalid_query otherwise. */
export function readPageRequest(params: URLSearchParams): PageRequest {
  const rawLimit = params.get("limit");
  const limit = rawLimit === null ? DEFAULT_PAGE_LIMIT : Number(rawLimit);
  if (!/^\d{1,3}$/.test(rawLimit ?? "50") || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new ApiError("invalid_query", `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}.`);
  }
  const rawCursor = params.get("cursor");
  if (rawCursor === null) return { limit, after: null };
  let decoded: unknown;
  try {
    decoded = rawCursor.length <= 200 ? JSON.parse(Buffer.from(rawCursor, "base64url").toString("utf8")) : null;
  } catch {
    decoded = null;
  }
  const parsed = cursorShape.safeParse(decoded);
  if (!parsed.success) throw new ApiError("invalid_query", "cursor is not one this endpoint issued; use a page's nextCursor.");
  return { limit, after: parsed.data };
}

/** One page of `items` (any order), newest first by (createdAt, id), and the cursor of the next page or null. */
export function paginate<T extends { id: string; createdAt: Date }>(
  items: T[],
  page: PageRequest,
): { items: T[]; nextCursor: string | null } {
  const newestFirst = (a: T, b: T) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const after = page.after;
  const rest = [...items]
    .sort(newestFirst)
    .filter((i) => !after || i.createdAt.getTime() < after.t || (i.createdAt.getTime() === after.t && i.id < after.id));
  const pageItems = rest.slice(0, page.limit);
  const last = pageItems.at(-1);
  const nextCursor =
    rest.length > page.limit && last
      ? Buffer.from(JSON.stringify({ t: last.createdAt.getTime(), id: last.id })).toString("base64url")
      : null;
  return { items: pageItems, nextCursor };
}
