import { NextRequest } from "next/server";
import type { RouteHandler } from "@/lib/server/http/route";

// Calls an app route handler in-process, as Next.js would, for tests that
// exercise the whole route (validation, auth, the handler) without a server.

export const TEST_ORIGIN = "http://localhost:3000";

export interface CallOptions {
  method?: string;
  body?: unknown;
  cookies?: string;
  token?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
}

export function callRoute(handler: RouteHandler, variant: string, path: string, init: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { host: "localhost:3000", origin: TEST_ORIGIN, ...init.headers };
  if (init.cookies) headers.cookie = init.cookies;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const req = new NextRequest(`${TEST_ORIGIN}/api/${variant}/${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return handler(req, { params: Promise.resolve({ strategy: variant, ...init.params }) });
}

/** The `name=value` pairs a response set (expired ones left out), as a Cookie header. */
export function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}
