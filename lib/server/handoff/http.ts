import { RETRY_AFTER_SECONDS, unavailableReason } from "@/lib/server/unavailable";
import { NextResponse, type NextRequest } from "next/server";
import { HANDOFF_START_PAGE, PARTNER_HOME } from "@/lib/handoff";
import { ERROR_STATUS, type ErrorCode } from "@/lib/api-errors";
import { contextFromRequest, type CredentialContext } from "@/lib/server/http/credential-context";
import { ApiError, errorResponse } from "@/lib/server/http/route";
import { handoff, handoffSide } from "./index";

// The route wrapper of /api/handoff/*: like apiRoute() (lib/server/http/route.ts)
// but without a strategy in the path, and with errors a browser can read. The
// handoff's redirects are navigations, so an error there is answered with a
// small HTML page (same status and code) when the browser asks for HTML; API
// clients get the usual `{error, code}` JSON. Every answer carries
// `Cache-Control: no-store` and `Referrer-Policy: no-referrer`: a URL here may
// hold a one-time token, which must reach neither a cache nor another site.

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];

export type HandoffCtx = CredentialContext & { applyTo(res: NextResponse): NextResponse };
type Handler = (req: NextRequest, ctx: HandoffCtx) => Promise<Response>;

export function handoffRoute(handlers: Partial<Record<Method, Handler>>): Record<Method, (req: NextRequest) => Promise<Response>> {
  const allow = Object.keys(handlers).join(", ");
  const routes = {} as Record<Method, (req: NextRequest) => Promise<Response>>;
  for (const method of METHODS) {
    const handler = handlers[method];
    routes[method] = async (req) => {
      const ctx = contextFromRequest(req);
      if (!ctx) return finish(errorResponse("bad_host", "Malformed Host header."));
      if (!handler) {
        const res = errorResponse("method_not_allowed", `Method not allowed. Use ${allow}.`);
        res.headers.set("Allow", allow);
        return finish(res);
      }
      try {
        return finish(ctx.applyTo((await handler(req, ctx)) as NextResponse));
      } catch (error) {
        if (error instanceof ApiError) return finish(ctx.applyTo(errorAnswer(req, error)));
        const outage = unavailableReason(error);
        if (outage) {
          const res = ctx.applyTo(errorAnswer(req, new ApiError("unavailable", outage)));
          res.headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
          return finish(res);
        }
        console.error("[handoff] unexpected error", req.method, req.nextUrl.pathname, error);
        return finish(ctx.applyTo(errorAnswer(req, new ApiError("internal", "Internal error."))));
      }
    };
  }
  return routes;
}

function finish(res: Response): Response {
  res.headers.set("Cache-Control", "no-store");
  res.headers.set("Referrer-Policy", "no-referrer");
  return res;
}

/** 303 See Other to an absolute URL: the browser follows with a GET, and the URL it leaves (with its token) is not kept. */
export function seeOther(url: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: url } });
}

/** Refuse a route called on the wrong origin: A's routes live on A, B's on B. */
export function requireSide(ctx: CredentialContext, side: "A" | "B"): void {
  if (handoffSide(ctx.origin) === side) return;
  const { origins } = handoff();
  throw new ApiError(
    "not_found",
    `This endpoint is served on origin ${side} (${side === "A" ? origins.a : origins.b}), not on ${ctx.origin}.`,
  );
}

/** A browser navigation asks for HTML first; fetch() and API clients do not. */
function wantsHtml(req: NextRequest): boolean {
  const accept = req.headers.get("accept") ?? "";
  return req.method === "GET" && /\btext\/html\b/i.test(accept);
}

const PAGE_TITLES: Partial<Record<ErrorCode, string>> = {
  handoff_invalid: "This sign-in link is not valid",
  handoff_expired: "This sign-in link has expired",
  handoff_replayed: "This sign-in link was already used",
  handoff_unbound: "This sign-in link was started in another browser",
  not_signed_in: "You are not signed in",
  not_found: "Wrong address",
};

function errorAnswer(req: NextRequest, error: ApiError): NextResponse {
  if (!wantsHtml(req)) return errorResponse(error.code, error.message, error.extra);
  const { origins } = handoff();
  const title = PAGE_TITLES[error.code] ?? "The handoff could not be completed";
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Session Lab</title>
<link rel="stylesheet" href="/handoff-error.css">
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(error.message)}</p>
<p>Nothing was signed in. Error code: <code data-testid="error-code">${escapeHtml(error.code)}</code> (HTTP ${ERROR_STATUS[error.code]}).</p>
<p><a href="${escapeHtml(origins.a + HANDOFF_START_PAGE)}">Start again from the main app (origin A)</a> · <a href="${escapeHtml(
    origins.b + PARTNER_HOME,
  )}">Partner app (origin B)</a></p>
</main>
</body>
</html>
`;
  return new NextResponse(page, { status: ERROR_STATUS[error.code], headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
