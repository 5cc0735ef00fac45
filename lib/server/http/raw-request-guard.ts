import http from "node:http";
import { ERROR_STATUS, type ErrorCode } from "@/lib/api-errors";

// Two kinds of request never reach a route handler: Next.js answers them with
// a bare "Internal Server Error" (HTML-less, no JSON, a 500) before any of our
// code runs. A path with malformed percent-encoding (`/api/%/check`) fails
// Next.js's decoding of route parameters, and a TRACE request fails its
// NextRequest constructor. In the cluster, nginx refuses both (scripts/cluster/nginx.ts);
// a bare `next start` needs the same, so this guard answers them as the app
// would, with `{error, code}`, from the HTTP server itself. It is installed
// once per process by instrumentation.ts.

/** The methods the app answers; Node's parser closes the connection on unknown ones by itself. */
export const ANSWERED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const ANSWERED = new Set<string>(ANSWERED_METHODS);

export interface RawRequestRefusal {
  status: number;
  code: ErrorCode;
  error: string;
  headers: Record<string, string>;
}

function refusal(code: ErrorCode, error: string, headers: Record<string, string> = {}): RawRequestRefusal {
  return { status: ERROR_STATUS[code], code, error, headers };
}

/** Why Next.js could not handle this request line, or null. */
export function rawRequestRefusal(method: string | undefined, url: string | undefined): RawRequestRefusal | null {
  if (!method || !ANSWERED.has(method))
    return refusal("method_not_allowed", `Method not allowed: use ${ANSWERED_METHODS.join(", ")}.`, {
      Allow: ANSWERED_METHODS.join(", "),
    });
  const path = (url ?? "/").split("?", 1)[0]!;
  if (path.includes("%")) {
    try {
      decodeURIComponent(path);
    } catch {
      return refusal("bad_request", "Malformed percent-encoding in the request path.");
    }
  }
  return null;
}

const GUARD = Symbol.for("session-lab.raw-request-guard");

/** Wraps http.Server's "request" event once per process: a refused request is answered here and never emitted. */
export function installRawRequestGuard(): void {
  const proto = http.Server.prototype as http.Server & { [GUARD]?: true };
  if (proto[GUARD]) return;
  proto[GUARD] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function guardedEmit(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      const refused = rawRequestRefusal(req.method, req.url);
      if (refused) {
        const body = JSON.stringify({ error: refused.error, code: refused.code });
        res.writeHead(refused.status, {
          "Content-Type": "application/json",
          "Content-Length": String(Buffer.byteLength(body)),
          "Cache-Control": "no-store",
          "X-Content-Type-Options": "nosniff",
          ...refused.headers,
        });
        res.end(body);
        return true;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
