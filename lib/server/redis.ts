import { randomBytes } from "node:crypto";
import Redis, { type RedisOptions } from "ioredis";
import { loadEnv } from "@/lib/server/env";
import { countLookup } from "@/lib/server/timing";
import { UnavailableError } from "@/lib/server/unavailable";

// The process's Redis connections (REDIS_URL; docs/scaling.md), kept on
// globalThis like the database client: one for commands, one subscribed to the
// invalidation channel (a subscribed connection can run nothing else).
//
// Both fail fast instead of queueing: with Redis down, a command rejects at
// once (no offline queue) or within COMMAND_TIMEOUT_MS, the caller answers 503,
// and the connection keeps reconnecting in the background, so the app
// recovers by itself when Redis returns.

const CONNECT_TIMEOUT_MS = 2000;
const COMMAND_TIMEOUT_MS = 1500;

/** This process, on the invalidation channel (its own heartbeats are recognised by it). */
export const PROCESS_NONCE = randomBytes(8).toString("hex");

type Holder = { command?: Redis; subscriber?: Redis };
const holder = globalThis as typeof globalThis & { sessionLabRedis?: Holder };
const connections = (holder.sessionLabRedis ??= {});

export function redisConfigured(): boolean {
  return Boolean(loadEnv().REDIS_URL);
}

/** A key or channel under REDIS_PREFIX. */
export function redisKey(...parts: string[]): string {
  return `${loadEnv().REDIS_PREFIX}${parts.join(":")}`;
}

export function redisOptions(): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Reconnect for ever, at most one attempt every 500 ms: recovery within a second or so of Redis returning.
    retryStrategy: (times) => Math.min(times * 100, 500),
  };
}

const lastLogged: Record<string, number> = {};
/** Logs a connection's errors at most once every 10 s (a down Redis would otherwise log every retry). */
function logError(role: string) {
  return (error: Error) => {
    const now = Date.now();
    if (now - (lastLogged[role] ?? 0) < 10_000) return;
    lastLogged[role] = now;
    console.error(`[redis] ${role} connection: ${error.message}`);
  };
}

function create(role: "command" | "subscriber"): Redis {
  const url = loadEnv().REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set");
  const client = new Redis(url, redisOptions());
  client.on("error", logError(role));
  client.connect().catch(() => {
    // reported by the "error" listener; the retry strategy keeps trying
  });
  return client;
}

export function commandConnection(): Redis {
  return (connections.command ??= create("command"));
}

export function subscriberConnection(): Redis {
  return (connections.subscriber ??= create("subscriber"));
}

/**
 * Runs one Redis command (or a pipeline) for a store: counted in the current
 * Server-Timing scope, and any failure becomes an UnavailableError (503), so a
 * credential that cannot be checked is never accepted.
 */
export async function redisCall<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
  const client = commandConnection();
  if (client.status !== "ready") throw new UnavailableError("redis", "Redis is unreachable; the session cannot be checked. Retry shortly.");
  try {
    return await countLookup("redis", () => work(client));
  } catch (error) {
    throw new UnavailableError("redis", "Redis did not answer; the session cannot be checked. Retry shortly.", { cause: error });
  }
}

/** Start-up check: resolves when Redis answers PING within `timeoutMs`, else rejects with a readable reason. */
export async function checkRedisAtStart(timeoutMs = 5000): Promise<void> {
  const url = loadEnv().REDIS_URL;
  if (!url) return;
  const probe = new Redis(url, { ...redisOptions(), retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const safeUrl = new URL(url);
    safeUrl.password = safeUrl.password ? "***" : "";
    throw new Error(`Redis at ${safeUrl.toString()} is unreachable (${error instanceof Error ? error.message : String(error)}).`);
  } finally {
    probe.disconnect();
  }
}

/** Closes both connections (tests, shutdown). */
export async function disconnectRedis(): Promise<void> {
  const { command, subscriber } = connections;
  connections.command = undefined;
  connections.subscriber = undefined;
  command?.disconnect();
  subscriber?.disconnect();
}
