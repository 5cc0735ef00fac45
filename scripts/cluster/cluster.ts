import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import Redis from "ioredis";
import { isRedisUrl } from "../../lib/server/env";
import { nginxConfig } from "./nginx";

// npm run cluster, as a library (the cluster tests start the same thing): two
// production instances of the app (`next start`) on two ports, nginx in front,
// PostgreSQL from DATABASE_URL and Redis from REDIS_URL. Everything it starts
// it stops (stop()), and it refuses to start half a cluster: each problem it
// can see beforehand is a ClusterError with a sentence that says what to do.

export class ClusterError extends Error {
  override name = "ClusterError";
}

export interface ClusterOptions {
  /** The front's port; the instances take the next two. */
  frontPort: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisPrefix?: string;
  /** Extra environment for both instances. */
  env?: Record<string, string>;
  /** Build first when there is no production build (.next/BUILD_ID). */
  buildIfMissing?: boolean;
  log?: (line: string) => void;
  /** Write each instance's output to `<instanceLog>.<name>.log` instead of prefixed lines on stdout. */
  instanceLog?: string;
}

export interface Instance {
  name: "a" | "b";
  port: number;
  url: string;
  child: ChildProcess | null;
}

export interface Cluster {
  frontUrl: string;
  instances: Instance[];
  nginx: ChildProcess;
  dir: string;
  /** Stops one instance (SIGKILL: a crash, not a shutdown). */
  kill(name: "a" | "b"): Promise<void>;
  /** Starts a stopped instance again and waits until it answers. */
  restart(name: "a" | "b"): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const READY_TIMEOUT_MS = 120_000;

export function findNginx(): string | null {
  for (const candidate of [process.env.NGINX_BIN, "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/bin/nginx"]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  const which = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/** nginx, installed from Debian's nginx-light package when missing and running as root; else how to install it. */
export function ensureNginx(log: (line: string) => void): string {
  const found = findNginx();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (!isRoot || !hasApt) {
    throw new ClusterError(
      "nginx is not installed. Install it with `sudo apt-get install -y nginx-light` (Debian/Ubuntu) or your system's package, " +
        "or point NGINX_BIN at an nginx binary, then run npm run cluster again.",
    );
  }
  log("nginx is missing: installing Debian's nginx-light (apt-get)…");
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  const install =
    update.status === 0
      ? spawnSync("apt-get", ["install", "-y", "-qq", "nginx-light"], {
          stdio: "inherit",
          env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        })
      : update;
  const installed = findNginx();
  if (install.status !== 0 || !installed) {
    throw new ClusterError("Installing nginx-light with apt-get failed (see above). Install nginx yourself, or set NGINX_BIN, then retry.");
  }
  return installed;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/** Checks the configuration and both services before anything starts. */
export async function preflight(
  opts: Pick<ClusterOptions, "databaseUrl" | "redisUrl">,
): Promise<{ databaseUrl: string; redisUrl: string }> {
  const { databaseUrl, redisUrl } = opts;
  if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ClusterError(
      "npm run cluster needs PostgreSQL: two instances cannot share one SQLite file. Set DATABASE_URL, e.g. " +
        "DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test",
    );
  }
  if (!redisUrl) {
    throw new ClusterError(
      "npm run cluster needs Redis for the shared stores and the invalidation channel. Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0",
    );
  }
  if (!isRedisUrl(redisUrl)) {
    throw new ClusterError(`REDIS_URL is malformed (${JSON.stringify(redisUrl)}): it must look like redis://host:port/db or rediss://…`);
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new ClusterError(`Redis at ${redact(redisUrl)} is unreachable (${(error as Error).message}). Start it, or fix REDIS_URL.`);
  } finally {
    redis.disconnect();
  }
  const url = new URL(databaseUrl);
  url.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new ClusterError(
      `PostgreSQL at ${redact(databaseUrl)} is unreachable (${(error as Error).message}). Start it, or fix DATABASE_URL.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  return { databaseUrl, redisUrl };
}

async function waitUntilAnswers(url: string, child: ChildProcess | null, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null)
      throw new ClusterError(`the process for ${url} exited with status ${child.exitCode} before answering (see its output above).`);
    try {
      const res = await fetch(`${url}/api/compare`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new ClusterError(`${url} did not answer within ${timeoutMs / 1000} s.`);
}

function killGroup(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, signal); // the whole group: npx/next and its workers
  } catch {
    child.kill(signal);
  }
  return exited;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { databaseUrl, redisUrl } = await preflight(options);
  const nginxBin = ensureNginx(log);

  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    if (!options.buildIfMissing)
      throw new ClusterError("There is no production build. Run `npm run build` first (npm run cluster does when run directly).");
    log("No production build yet: running next build (a few minutes on a small machine)…");
    const build = spawnSync(path.join(ROOT, "node_modules/.bin/next"), ["build"], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) throw new ClusterError("next build failed (see above).");
  }

  const { frontPort } = options;
  const frontUrl = `http://127.0.0.1:${frontPort}`;
  const instances: Instance[] = (["a", "b"] as const).map((name, i) => ({
    name,
    port: frontPort + 1 + i,
    url: `http://127.0.0.1:${frontPort + 1 + i}`,
    child: null,
  }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    // The demo's generated secrets (data/secrets.json, shared by both instances) unless real ones are set.
    SESSION_LAB_DEMO: process.env.SESSION_LAB_DEMO ?? "1",
    SESSION_LAB_COMPARE: process.env.SESSION_LAB_COMPARE ?? "1",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    ...(options.redisPrefix ? { REDIS_PREFIX: options.redisPrefix } : {}),
    HANDOFF_ORIGIN_A: `http://localhost:${frontPort}`,
    HANDOFF_ORIGIN_B: `http://127.0.0.1:${frontPort}`,
    ...options.env,
  };

  const spawnInstance = (instance: Instance) => {
    const logFile = options.instanceLog ? openSync(`${options.instanceLog}.${instance.name}.log`, "a") : null;
    const child: ChildProcess = spawn(
      path.join(ROOT, "node_modules/.bin/next"),
      ["start", "-p", String(instance.port), "-H", "127.0.0.1"],
      {
        cwd: ROOT,
        env: { ...env, PORT: String(instance.port), SESSION_LAB_INSTANCE: instance.name },
        stdio: logFile ? ["ignore", logFile, logFile] : ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    const prefix = `[${instance.name}] `;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) if (line.trim()) process.stdout.write(`${prefix}${line}\n`);
      });
    }
    if (logFile !== null) closeSync(logFile); // the child holds its own copy
    instance.child = child;
  };

  const dir = mkdtempSync(path.join(os.tmpdir(), "session-lab-cluster-"));
  let nginx: ChildProcess | null = null;
  const stop = async () => {
    await Promise.all([killGroup(nginx, "SIGTERM"), ...instances.map((i) => killGroup(i.child, "SIGTERM"))]);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // One at a time: the first applies pending migrations, the second finds them applied.
    for (const instance of instances) {
      spawnInstance(instance);
      await waitUntilAnswers(instance.url, instance.child, READY_TIMEOUT_MS);
      log(`instance ${instance.name}: ${instance.url}`);
    }
    const asRoot = process.getuid?.() === 0;
    for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
      mkdirSync(path.join(dir, "tmp", sub), { recursive: true });
      if (asRoot) chmodSync(path.join(dir, "tmp", sub), 0o777);
    }
    if (asRoot) chmodSync(dir, 0o755);
    const conf = path.join(dir, "nginx.conf");
    writeFileSync(conf, nginxConfig({ dir, frontPort, instances, asRoot }));
    const check = spawnSync(nginxBin, ["-t", "-q", "-p", dir, "-c", conf], { encoding: "utf8" });
    if (check.status !== 0) throw new ClusterError(`nginx rejected the generated configuration ${conf}:\n${check.stderr}`);
    nginx = spawn(nginxBin, ["-p", dir, "-c", conf], { stdio: ["ignore", "inherit", "inherit"], detached: true });
    await waitUntilAnswers(frontUrl, nginx, 15_000);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    frontUrl,
    instances,
    nginx: nginx!,
    dir,
    async kill(name) {
      const instance = instances.find((i) => i.name === name)!;
      await killGroup(instance.child, "SIGKILL");
    },
    async restart(name) {
      const instance = instances.find((i) => i.name === name)!;
      spawnInstance(instance);
      await waitUntilAnswers(instance.url, instance.child, READY_TIMEOUT_MS);
    },
    stop,
  };
}
