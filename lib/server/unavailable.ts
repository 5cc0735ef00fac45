// A backing service (Redis, the database) that cannot answer right now. Routes
// turn it into 503 `{code: "unavailable"}` with Retry-After (lib/server/http/route.ts):
// a credential that cannot be checked is refused, never accepted, and the
// next request tries again, so the app recovers without a restart.

export type BackingService = "redis" | "database";

/** Seconds a client should wait before retrying (Retry-After). */
export const RETRY_AFTER_SECONDS = 2;

// Next.js bundles this module into several chunks, each with its own class: a
// brand recognises an UnavailableError from any of them.
const BRAND = Symbol.for("session-lab.unavailable");

export class UnavailableError extends Error {
  override name = "UnavailableError";
  readonly [BRAND] = true;
  constructor(
    readonly service: BackingService,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
// Prisma's "cannot reach / lost the database / pool timeout" codes, and the driver adapters' error kinds for the same.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionAlreadyClosed",
]);
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /connection (?:is )?(?:closed|refused|reset)/i,
  /can't reach database server/i,
  /server closed the connection unexpectedly/i,
  /Client has encountered a connection error/i,
  /the database system is (?:starting up|shutting down)/i,
  /server has closed the connection/i,
];

export function isUnavailableError(error: unknown): error is UnavailableError {
  return (
    error instanceof UnavailableError || (typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[BRAND] === true)
  );
}

/**
 * Whether an error from the database layer means "the database cannot be
 * reached" (as opposed to a bug or a constraint): walks the cause chain,
 * since the driver's error arrives wrapped by the adapter and by Prisma.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current) || seen.size > 20) continue;
    seen.add(current);
    const e = current as {
      code?: unknown;
      kind?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
      meta?: unknown;
    };
    if (typeof e.code === "string" && (NETWORK_CODES.has(e.code) || PRISMA_CODES.has(e.code))) return true;
    if (typeof e.originalCode === "string" && NETWORK_CODES.has(e.originalCode)) return true;
    if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
    // A driver adapter's error says its kind as its message (`DriverAdapterError: ConnectionClosed`).
    if (e.name === "DriverAdapterError" && typeof e.message === "string" && ADAPTER_KINDS.has(e.message)) return true;
    if (typeof e.message === "string" && MESSAGES.some((m) => m.test(e.message as string))) return true;
    queue.push(e.cause);
    // Prisma keeps the adapter's error in `meta.driverAdapterError`.
    if (e.meta && typeof e.meta === "object") queue.push((e.meta as { driverAdapterError?: unknown }).driverAdapterError);
  }
  return false;
}

/** The 503's sentence for an error, or null when the error is not an outage. */
export function unavailableReason(error: unknown): string | null {
  if (isUnavailableError(error)) return error.message;
  if (isDatabaseUnreachable(error)) return "The database is unreachable; the session cannot be checked. Retry shortly.";
  return null;
}
