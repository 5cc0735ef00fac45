import type { NextRequest } from "next/server";
import type { z } from "zod";
import { contextFromRequest, isSameOriginRequest, type CredentialContext } from "./credential-context";
import { ApiError, errorResponse, METHODS, outageResponse, readJsonBody, type Method, type RouteContext, type RouteHandler } from "./route";

// The wrapper for the lab's own endpoints (/api/compare/…), which belong to no
// variant and check no session: the same rules as apiRoute() otherwise — 405
// with Allow, the Origin check on state-changing requests (a browser page of
// another site cannot start a run or spend a lease), bounded JSON bodies
// validated with zod, `{error, code}` errors, never a 500 for bad input, and
// Cache-Control: no-store.

export interface LabArgs<B> {
  req: NextRequest;
  ctx: CredentialContext;
  params: Record<string, string>;
  body: B;
}

interface LabSpec<S extends z.ZodType | undefined> {
  body?: S;
  handler: (args: LabArgs<S extends z.ZodType ? z.infer<S> : undefined>) => Promise<Response>;
}

export function labEndpoint<S extends z.ZodType | undefined = undefined>(spec: LabSpec<S>) {
  return spec as unknown as LabSpec<z.ZodType | undefined>;
}

export function labRoute(specs: Partial<Record<Method, LabSpec<z.ZodType | undefined>>>): Record<Method, RouteHandler> {
  const allow = Object.keys(specs).join(", ");
  const handlers = {} as Record<Method, RouteHandler>;
  for (const m of METHODS) {
    const spec = specs[m];
    handlers[m] = spec
      ? (req, route) => runLab(spec, req, route)
      : async () => {
          const res = errorResponse("method_not_allowed", `Method not allowed. Use ${allow}.`);
          res.headers.set("Allow", allow);
          return res;
        };
  }
  return handlers;
}

async function runLab(spec: LabSpec<z.ZodType | undefined>, req: NextRequest, route: RouteContext): Promise<Response> {
  const ctx = contextFromRequest(req);
  if (!ctx) return errorResponse("bad_host", "Malformed Host header.");
  try {
    const raw = await route.params;
    const params = Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
    if (req.method !== "GET" && !isSameOriginRequest(req.headers, ctx.origin)) {
      throw new ApiError("csrf", "Cross-origin request refused (CSRF protection).");
    }
    const body = spec.body ? await readJsonBody(req, spec.body) : undefined;
    const res = await spec.handler({ req, ctx, params, body } as never);
    res.headers.set("Cache-Control", "no-store");
    return res;
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error.code, error.message, error.extra);
    const outage = outageResponse(error);
    if (outage) return outage;
    console.error("[api] unexpected error", req.method, req.nextUrl.pathname, error);
    return errorResponse("internal", "Internal error.");
  }
}
