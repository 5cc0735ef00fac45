import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInThrottle, redisLimiters } from "@/lib/server/auth/throttle";
import { redisOptions } from "@/lib/server/redis";
import { OwnRedis } from "../support/redis-server";

// With REDIS_URL the sign-in throttle counts in Redis, so two instances share
// one limit; while Redis is down each instance falls back to its own memory.
// Against a redis-server of this file's own, stopped for the outage case.

const LIMITS = { accountFailures: 3, clientFailures: 100, windowSeconds: 60, blockSeconds: 60 };
const server = new OwnRedis(Number(process.env.TEST_THROTTLE_REDIS_PORT ?? 6424));
const clients: Redis[] = [];

/** A throttle of its own "instance": its own Redis connection, the same prefix as its peers. */
async function instance(prefix: string) {
  const client = new Redis(server.url, { ...redisOptions(), lazyConnect: false });
  client.on("error", () => {});
  clients.push(client);
  await new Promise<void>((resolve) => (client.status === "ready" ? resolve() : client.once("ready", () => resolve())));
  return { throttle: createSignInThrottle(LIMITS, redisLimiters(client, prefix)), client };
}

beforeAll(() => server.start());
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.stop();
});

describe("sign-in throttle in Redis", () => {
  it("counts one account's failures across instances, and keeps no address in the clear", async () => {
    const prefix = `t-${randomUUID()}:`;
    const a = await instance(prefix);
    const b = await instance(prefix);
    // Failures spread over two instances and three clients.
    await a.throttle.recordFailure("Eve@Example.com", "10.0.0.1");
    await b.throttle.recordFailure("eve@example.com", "10.0.0.2");
    expect(await a.throttle.retryAfterSeconds("eve@example.com", "10.0.0.3")).toBe(0);
    await a.throttle.recordFailure("eve@example.com", "10.0.0.3");
    expect(await b.throttle.retryAfterSeconds("eve@example.com", "10.9.9.9")).toBeGreaterThan(0);
    expect(await a.throttle.retryAfterSeconds("eve@example.com", "10.9.9.9")).toBeGreaterThan(0);
    // A success through either instance resets it for both.
    await b.throttle.recordSuccess("eve@example.com");
    expect(await a.throttle.retryAfterSeconds("eve@example.com", "10.9.9.9")).toBe(0);

    const keys = await a.client.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(" ")).not.toMatch(/eve|example|10\.0\.0/i);
  });

  it("keeps counting in memory, per instance, while Redis is down, and never throws", async () => {
    const prefix = `t-${randomUUID()}:`;
    const { throttle } = await instance(prefix);
    await server.stop();
    try {
      for (let i = 0; i < 3; i++) {
        expect(await throttle.retryAfterSeconds("mallory@example.com", "10.1.0.1")).toBe(0);
        await throttle.recordFailure("mallory@example.com", "10.1.0.1");
      }
      expect(await throttle.retryAfterSeconds("mallory@example.com", "10.1.0.1")).toBeGreaterThan(0);
    } finally {
      await server.start();
    }
  });
});
