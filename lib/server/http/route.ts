import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { MATRIX_PROFILE_HEADER, MATRIX_PROFILE_VALUE } from "@/lib/catalog/lifetimes";
import { formatServerTiming, type PhaseTiming, type TimingPhase } from "@/lib/catalog/server-timing";
import { isVariantId, VARIANT_IDS, VARIANTS } from "@/lib/catalog/variants";
import { getStrategy, type ProfileSelection, type SessionStrategy } from "@/lib/server/strategies";
import type { SessionInfo, SessionUser } from "@/lib/server/strategies/types";
import { measure } from "@/lib/server/timing";
import { RETRY_AFTER_SECONDS, unavailableReason } from "@/lib/server/unavailable";
import { INSTANCE_HEADER } from "@/lib/catalog/cluster";
import { loadEnv } from "@/lib/server/env";
import { ERROR_STATUS, type ErrorCode } from "@/lib/api-errors";
import { contextFromRequest, isSameOriginRequest, type CredentialContext } from "./credential-context";

// Every API route goes through apiRoute(): variant lookup, CSRF check,
// bounded JSON parsing, zod validation, authentication and authorization on
// the server for every request, JSON errors, Cache-Control: no-store, and the
// session check's cost in a Server-Timing header.

/** An error answer: `code` (lib/api-errors.ts) decides the status; the message is the human sentence. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export const MAX_BODY_BYTES = 16 * 1024;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];

type Access = "public" | "user" | "admin";

interface BaseArgs {
  req: NextRequest;
  ctx: CredentialContext;
  strategy: SessionStrategy;
  params: Record<string, string>;
}
type AuthedArgs = { session: SessionInfo; user: SessionUser };

type HandlerArgs<A extends Access, S extends z.ZodType | undefined> = BaseArgs &
  (A extends "public" ? object : AuthedArgs) &
  (S extends z.ZodType ? { body: z.infer<S> } : object);

interface EndpointSpec<A extends Access, S extends z.ZodType | undefined> {
  access: A;
  body?: S;
  handler: (args: HandlerArgs<A, S>) => Promise<Response>;
}

export function endpoint<A extends Access, S extends z.ZodType | undefined = undefined>(spec: EndpointSpec<A, S>) {
  return spec as unknown as EndpointSpec<Access, z.ZodType | undefined>;
}

/** Adds one phase's Server-Timing entries (lib/catalog/server-timing.ts) to a response. */
export function addServerTiming(res: Response, phase: TimingPhase, timing: PhaseTiming): void {
  res.headers.append("Server-Timing", formatServerTiming(phase, timing));
}

/**
 * The TTL profile a request asks for: the process's, or the matrix profile
 * via its header. Any other value is refused rather than ignored, so a typo
 * never silently runs with production lifetimes.
 */
export function profileSelection(req: NextRequest): ProfileSelection {
  const value = req.headers.get(MATRIX_PROFILE_HEADER);
  if (value === null) return "process";
  if (value.trim().toLowerCase() === MATRIX_PROFILE_VALUE) return MATRIX_PROFILE_VALUE;
  throw new ApiError("invalid_profile", `${MATRIX_PROFILE_HEADER} accepts only "${MATRIX_PROFILE_VALUE}".`);
}

export function json(body: unknown, status = 200): NextResponse {
  return NextResponse.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

/** `{error, code, ...extra}` with the code's status. */
export function errorResponse(code: ErrorCode, error: string, extra: Record<string, unknown> = {}): NextResponse {
  return json({ ...extra, error, code }, ERROR_STATUS[code]);
}

/**
 * Redis or the database cannot answer: 503 `unavailable` with Retry-After (never accepting what cannot be
 * checked); null for any other error.
 */
export function outageResponse(error: unknown): NextResponse | null {
  const reason = unavailableReason(error);
  if (!reason) return null;
  const res = errorResponse("unavailable", reason);
  res.headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  return res;
}

/** Reads a JSON body of at most MAX_BODY_BYTES and validates it with `schema` (415/413/400 as ApiError). */
export async function readJsonBody(req: NextRequest, schema: z.ZodType): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new ApiError("unsupported_media_type", "Send a JSON body with Content-Type: application/json.");
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError("body_too_large", `Body larger than ${MAX_BODY_BYTES} bytes.`);
  let text: string;
  try {
    text = await readLimited(req, MAX_BODY_BYTES);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError("malformed_json", "Could not read the request body.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("malformed_json", "Malformed JSON body.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new ApiError("invalid_body", `Invalid body: ${where}${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export async function readLimited(req: NextRequest, limit: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ApiError("body_too_large", `Body larger than ${limit} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export type RouteContext = { params: Promise<Record<string, string | string[]>> };
export type RouteHandler = (req: NextRequest, route: RouteContext) => Promise<Response>;
export { METHODS, type Method };

export function apiRoute(specs: Partial<Record<Method, EndpointSpec<Access, z.ZodType | undefined>>>): Record<Method, RouteHandler> {
  const allow = Object.keys(specs).join(", ");
  const handlers = {} as Record<Method, RouteHandler>;
  for (const m of METHODS) {
    const spec = specs[m];
    handlers[m] = spec
      ? (req, route) => run(spec, req, route)
      : async () => {
          const res = errorResponse("method_not_allowed", `Method not allowed. Use ${allow}.`);
          res.headers.set("Allow", allow);
          return res;
        };
  }
  return handlers;
}

async function run(spec: EndpointSpec<Access, z.ZodType | undefined>, req: NextRequest, route: RouteContext): Promise<Response> {
  const ctx = contextFromRequest(req);
  if (!ctx) return errorResponse("bad_host", "Malformed Host header.");
  // Reported on every response that ran a session check, errors included (a refused replay has a cost too).
  let checkTiming: PhaseTiming | null = null;
  const finish = (res: NextResponse) => {
    if (checkTiming) addServerTiming(res, "session", checkTiming);
    const instance = loadEnv().SESSION_LAB_INSTANCE; // validated once at start, like every variable
    if (instance) res.headers.set(INSTANCE_HEADER, instance);
    return ctx.applyTo(res);
  };
  try {
    const rawParams = await route.params;
    const params = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
    if (!isVariantId(params.strategy))
      throw new ApiError("not_found", `Unknown strategy or variant. Use one of ${VARIANT_IDS.join(", ")}.`);
    const strategy = getStrategy(params.strategy, profileSelection(req));

    // Variants with any cookie credential (jwt-refresh's refresh cookie included) only take writes from this app's origin.
    if (req.method !== "GET" && VARIANTS[strategy.id].originCheck && !isSameOriginRequest(req.headers, ctx.origin)) {
      throw new ApiError("csrf", "Cross-origin request refused (CSRF protection).");
    }
    const args: Record<string, unknown> = { req, ctx, strategy, params };
    // Who is asking comes first: an anonymous caller learns nothing about the body's rules.
    if (spec.access !== "public") {
      const { result, timing } = await measure(() => strategy.validate(ctx));
      checkTiming = timing;
      const { session, user } = result;
      if (!session) throw new ApiError("not_signed_in", "Not signed in, or the session is no longer valid.");
      if (spec.access === "admin" && user.role !== "admin") throw new ApiError("forbidden", "Admins only.");
      args.session = session;
      args.user = user;
    }
    if (spec.body) args.body = await readJsonBody(req, spec.body);
    const res = await spec.handler(args as never);
    res.headers.set("Cache-Control", "no-store");
    return finish(res as NextResponse);
  } catch (error) {
    if (error instanceof ApiError) return finish(errorResponse(error.code, error.message, error.extra));
    const outage = outageResponse(error);
    if (outage) return finish(outage);
    console.error("[api] unexpected error", req.method, req.nextUrl.pathname, error);
    return finish(errorResponse("internal", "Internal error."));
  }
}
