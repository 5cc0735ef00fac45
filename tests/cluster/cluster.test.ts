import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSTANCE_HEADER, TARGET_HEADER } from "@/lib/catalog/cluster";
import type { VariantId } from "@/lib/catalog/variants";
import { Device, type Answer } from "@/lib/compare/client";
import { disconnectDb, getDb } from "@/lib/server/db/client";
import { startCluster, type Cluster } from "../../scripts/cluster/cluster";
import { groupRss, runFuzz } from "../../scripts/fuzz/run";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { OwnRedis } from "../support/redis-server";
import { TcpProxy } from "../support/tcp-proxy";
import { CLUSTER_TEST, databaseUrl } from "./env";

// Two production instances behind nginx, on PostgreSQL (through a TCP proxy
// this file cuts) and on a redis-server this file owns (and stops). Nothing
// here touches the machine's own services beyond one database it creates.

const redis = new OwnRedis(CLUSTER_TEST.redisPort);
const pgDirect = new URL(CLUSTER_TEST.postgresUrl);
const proxy = new TcpProxy(CLUSTER_TEST.pgProxyPort, { host: pgDirect.hostname, port: Number(pgDirect.port || 5432) });
let cluster: Cluster;

beforeAll(async () => {
  await redis.start();
  await proxy.start();
  cluster = await startCluster({
    frontPort: CLUSTER_TEST.frontPort,
    databaseUrl: databaseUrl("127.0.0.1", CLUSTER_TEST.pgProxyPort),
    redisUrl: redis.url,
    redisPrefix: "cluster-test:",
    log: () => {},
    instanceLog: `${process.cwd()}/data/cluster-test`,
  });
});

afterAll(async () => {
  await cluster?.stop();
  await proxy.stop();
  await redis.stop();
  await disconnectDb();
});

/** A client of `variant` through the front: balanced, or pinned to one instance. */
function client(variant: VariantId, instance?: "a" | "b"): Device {
  return new Device({
    target: { baseUrl: cluster.frontUrl, headers: instance ? { [TARGET_HEADER]: instance } : {} },
    variant,
    matrixProfile: false,
    // 50 sign-ins at once hash 50 passwords (scrypt at OWASP's cost) on a small machine: wait for them.
    timeoutMs: 60_000,
  });
}

/** The same credential, sent through another instance. */
function through(device: Device, instance: "a" | "b"): Device {
  return device.copyTo({ baseUrl: cluster.frontUrl, headers: { [TARGET_HEADER]: instance } });
}

async function signedIn(variant: VariantId, instance?: "a" | "b"): Promise<{ device: Device; userId: string }> {
  const user = await newUser();
  const device = client(variant, instance);
  await device.signIn(user.email, TEST_PASSWORD);
  return { device, userId: user.id };
}

async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  stepMs = 10,
): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  for (;;) {
    const value = await probe();
    if (done(value)) return { value, ms: performance.now() - start };
    if (performance.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

const status = (a: Answer) => a.status;

async function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(CLUSTER_TEST.frontPort, "127.0.0.1");
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (d) => (data += d));
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
    socket.write(request);
  });
}

describe("the cluster", () => {
  it("routes on X-Session-Lab-Target, and every answer names its instance", async () => {
    for (const instance of ["a", "b"] as const) {
      for (const path of ["/api/compare", "/api/stateful/me", "/robots.txt"]) {
        const res = await fetch(`${cluster.frontUrl}${path}`, { headers: { [TARGET_HEADER]: instance } });
        await res.arrayBuffer();
        expect(res.headers.get(INSTANCE_HEADER), path).toBe(instance);
      }
    }
    const seen = new Set<string | null>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${cluster.frontUrl}/api/compare`);
      await res.arrayBuffer();
      seen.add(res.headers.get(INSTANCE_HEADER));
    }
    expect([...seen].sort()).toEqual(["a", "b"]);
  });

  it("a sign-out through A is refused through B on the next request where the variant can revoke (stateful-cache: by pub/sub)", async () => {
    const latencies: Record<string, number> = {};
    for (const variant of ["stateful", "stateful-cache", "jwt-denylist"] as const) {
      const { device } = await signedIn(variant, "a");
      const onB = through(device, "b");
      expect((await onB.request("GET", "/me")).status, variant).toBe(200); // B has served it: its cache is warm
      expect((await device.request("POST", "/logout")).status).toBe(200);
      const { ms } = await until(
        () => onB.request("GET", "/me"),
        (a) => a.status !== 200,
        2000,
        5,
      );
      latencies[variant] = Math.round(ms * 10) / 10;
    }
    console.log("[cluster] cross-instance: refused through B after sign-out through A (ms):", latencies);
    for (const ms of Object.values(latencies)) expect(ms).toBeLessThan(1000);
  });

  it("refuses oversized and malformed requests with JSON 4xx, never an HTML page or a 5xx", async () => {
    const huge = await fetch(`${cluster.frontUrl}/api/stateful/me`, { headers: { "X-Big": "a".repeat(20_000) } });
    expect(huge.status).toBe(431);
    expect(await huge.json()).toMatchObject({ code: "header_too_large" });
    const many = await fetch(`${cluster.frontUrl}/api/stateful/me`, {
      headers: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`X-Pad-${i}`, "b".repeat(7000)])),
    });
    expect(many.status).toBe(431);
    const cookie = await fetch(`${cluster.frontUrl}/api/stateful/me`, { headers: { Cookie: `lab-stateful=${"c".repeat(9000)}` } });
    expect(cookie.status).toBe(431);
    const longUrl = await fetch(`${cluster.frontUrl}/api/stateful/${"d".repeat(10_000)}`);
    expect(longUrl.status).toBe(414);
    expect(await longUrl.json()).toMatchObject({ code: "uri_too_long" });
    const garbage = await raw("GARBAGE\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(garbage).toContain('"code":"bad_request"');
    const body = await fetch(`${cluster.frontUrl}/api/stateful/notes`, {
      method: "POST",
      body: "x".repeat(100_000),
      headers: { "Content-Type": "application/json" },
    });
    expect(body.status).toBe(413);
    expect(await body.json()).toMatchObject({ code: "body_too_large" });
  });

  it("Redis down: what needs Redis answers 503 and never 200; stateful-cache reads the database; all recover within seconds", async () => {
    const needsRedis = await Promise.all((["jwt-denylist", "cookie-version", "nextauth-refresh"] as const).map((v) => signedIn(v)));
    const cached = await signedIn("stateful-cache", "a");
    const cachedOnB = through(cached.device, "b");
    expect(status(await cachedOnB.request("GET", "/me"))).toBe(200);

    await redis.stop();
    try {
      // While Redis is away: a clear 503 with a code and Retry-After, never a 200 for a credential that cannot be checked.
      for (let round = 0; round < 5; round++) {
        for (const { device } of needsRedis) {
          const answer = await device.request("GET", "/me");
          expect(answer.status, device.variant).toBe(503);
          expect(answer.body).toMatchObject({ code: "unavailable" });
        }
      }
      const res = await fetch(`${cluster.frontUrl}/api/jwt-denylist/me`, { headers: { Authorization: "Bearer x.y.z" } });
      expect([401, 503]).toContain(res.status);
      // The cache stops serving: a sign-out through A (the database) is seen through B at once.
      expect(status(await cachedOnB.request("GET", "/me"))).toBe(200);
      expect(status(await cached.device.request("POST", "/logout"))).toBe(200);
      expect(status(await cachedOnB.request("GET", "/me"))).toBe(401);
    } finally {
      await redis.start();
    }
    const started = performance.now();
    for (const { device } of needsRedis)
      await until(
        () => device.request("GET", "/me"),
        (a) => a.status === 200,
        10_000,
        100,
      );
    const recovered = performance.now() - started;
    console.log(`[cluster] recovered from the Redis outage in ${Math.round(recovered)} ms`);
    expect(recovered).toBeLessThan(5000);
  });

  it("PostgreSQL down: stateful answers 503 within a bounded time and never 200; the instances live on and recover", async () => {
    const { device } = await signedIn("stateful");
    proxy.cut();
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const start = performance.now();
          const answer = await device.request("GET", "/me");
          return { status: answer.status, code: answer.body?.code, ms: performance.now() - start };
        }),
      );
      for (const a of answers) {
        expect(a.status).toBe(503);
        expect(a.code).toBe("unavailable");
        expect(a.ms).toBeLessThan(8000);
      }
      // Both instances are still up (a static file needs no database).
      for (const instance of ["a", "b"]) {
        const res = await fetch(`${cluster.frontUrl}/robots.txt`, { headers: { [TARGET_HEADER]: instance } });
        expect(res.status).toBe(200);
      }
    } finally {
      proxy.restore();
    }
    const { ms } = await until(
      () => device.request("GET", "/me"),
      (a) => a.status === 200,
      15_000,
      100,
    );
    console.log(`[cluster] recovered from the PostgreSQL outage in ${Math.round(ms)} ms`);

    // A black hole rather than a refusal: only the timeouts end the requests.
    proxy.stall();
    try {
      const answers = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const start = performance.now();
          const answer = await device.request("GET", "/me");
          return { status: answer.status, code: answer.body?.code, ms: performance.now() - start };
        }),
      );
      console.log(`[cluster] PostgreSQL black hole: answered in ${answers.map((a) => Math.round(a.ms)).join(", ")} ms`);
      for (const a of answers) {
        expect(a).toMatchObject({ status: 503, code: "unavailable" });
        expect(a.ms).toBeLessThan(12_000);
      }
    } finally {
      proxy.restore();
    }
    await until(
      () => device.request("GET", "/me"),
      (a) => a.status === 200,
      20_000,
      200,
    );
    for (const instance of cluster.instances) expect(instance.child?.exitCode).toBeNull();
  });

  it("50 concurrent clients sign in, refresh and write notes: no 5xx, no lost write, parallel refreshes share one successor", async () => {
    const variants: VariantId[] = ["stateful", "stateful-cache", "cookie-version", "jwt-denylist", "jwt-refresh", "nextauth-refresh"];
    const statuses: number[] = [];
    const userIds: string[] = [];
    let created = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const variant = variants[i % variants.length]!;
        const { device, userId } = await signedIn(variant);
        userIds.push(userId);
        for (let n = 0; n < 4; n++) {
          const answer = await device.request("POST", "/notes", { title: `note ${n} of client ${i}`, body: "under load" });
          statuses.push(answer.status);
          if (answer.status === 201) created += 1;
        }
        if (variant === "jwt-refresh") {
          // Two tabs holding the same refresh token refresh at the same moment.
          const [tab1, tab2] = [device.copy("full"), device.copy("full")];
          const [r1, r2] = await Promise.all([tab1.send("POST", "/refresh"), tab2.send("POST", "/refresh")]);
          expect([r1.status, r2.status]).toEqual([200, 200]);
          expect(tab1.refreshCookie()).not.toBeNull();
          expect(tab1.refreshCookie()).toBe(tab2.refreshCookie()); // one successor, never two
          for (const tab of [tab1, tab2]) expect((await tab.send("GET", "/me")).status).toBe(200);
          // And the successor is single use: the next refresh rotates once more.
          expect((await tab1.send("POST", "/refresh")).status).toBe(200);
        }
        statuses.push((await device.request("GET", "/me")).status);
      }),
    );
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const inDb = await getDb().note.count({ where: { userId: { in: userIds } } });
    expect(inDb).toBe(created);
    expect(created).toBe(200);
  });

  it("one instance killed mid-load: nginx routes around it, nobody is signed out, no write is lost", async () => {
    const clients = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signedIn((["stateful", "stateful-cache", "cookie-version", "jwt-refresh"] as const)[i % 4]!)),
    );
    const outcomes: { status: number; code: unknown; afterKill: boolean; error?: unknown }[] = [];
    let killed = false;
    let created = 0;
    const stopAt = performance.now() + 5000;
    const load = clients.map(async ({ device }, i) => {
      let n = 0;
      while (performance.now() < stopAt) {
        const afterKill = killed;
        const answer = await device.request("POST", "/notes", { title: `kill test ${i}.${n++}` });
        outcomes.push({
          status: answer.status,
          code: answer.body?.code,
          afterKill,
          ...(answer.status === 0 ? { error: answer.body?.error } : {}),
        });
        if (answer.status === 201) created += 1;
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.kill("a");
    killed = true;
    try {
      await Promise.all(load);
      await checkAfterKill();
    } finally {
      await cluster.restart("a");
    }
    expect((await fetch(`${cluster.frontUrl}/api/compare`, { headers: { [TARGET_HEADER]: "a" } })).status).toBe(200);

    async function checkAfterKill() {
      // Only requests in flight on instance a when it died may fail: nginx's JSON 503, or, when a had
      // already sent the answer's headers, a connection closed mid-answer. Nothing else fails.
      const failed = outcomes.filter((o) => o.status !== 201);
      const inFlight = (o: (typeof outcomes)[number]) =>
        !o.afterKill && ((o.status === 503 && o.code === "unavailable") || (o.status === 0 && o.error === "terminated"));
      expect(failed.filter((f) => !inFlight(f))).toEqual([]);
      expect(failed.length).toBeLessThanOrEqual(clients.length);
      // After the kill was noticed, every write went to b.
      const late = outcomes.filter((o) => o.afterKill).slice(clients.length);
      expect(late.length).toBeGreaterThan(10);
      expect(late.every((o) => o.status === 201)).toBe(true);
      // No write lost: every 201 is a row. A request a died in the middle of may have been written without its answer.
      const inDb = await getDb().note.count({ where: { userId: { in: clients.map((c) => c.userId) } } });
      expect(inDb).toBeGreaterThanOrEqual(created);
      expect(inDb).toBeLessThanOrEqual(created + failed.length);
      // Nobody was signed out.
      for (const { device } of clients) expect((await device.request("GET", "/me")).status).toBe(200);
    }
  });

  it("fuzz: generated hostile requests against every route get no answer ≥ 500; both instances live on, memory back to baseline", async () => {
    // CI runs a smaller count than npm run fuzz (10,000); FUZZ_COUNT and FUZZ_SEED override, the seed is printed to replay.
    const count = Number(process.env.FUZZ_COUNT ?? 1500);
    const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
    const rss = () => cluster.instances.map((i) => groupRss(i.child!.pid!) ?? Infinity);
    await runFuzz({ baseUrl: cluster.frontUrl, count: 500, seed: seed + 1 }); // warm-up: every route compiled and cached once
    const baseline = rss();
    const result = await runFuzz({ baseUrl: cluster.frontUrl, count, seed });
    console.log(`[cluster] fuzz: ${result.requests} requests, seed ${seed}, statuses ${JSON.stringify(result.statuses)}`);
    expect(result.failures, `replay with FUZZ_SEED=${seed} FUZZ_COUNT=${count}`).toEqual([]);
    expect(result.requests).toBeGreaterThanOrEqual(count);
    for (const instance of cluster.instances) expect(instance.child?.exitCode, instance.name).toBeNull();
    const settled = await until(
      async () => rss(),
      (now) => now.every((v, i) => v <= baseline[i]! + 128 * 1024 * 1024),
      30_000,
      1000,
    );
    console.log(
      `[cluster] fuzz: memory ${settled.value.map((v) => `${Math.round(v / 2 ** 20)} MiB`).join(", ")} (baseline ${baseline.map((v) => `${Math.round(v / 2 ** 20)} MiB`).join(", ")})`,
    );
  });
});
