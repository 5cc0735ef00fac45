// npm run cluster [-- --port N]: the app as a team would deploy it — two
// production instances behind nginx, on PostgreSQL (DATABASE_URL) and Redis
// (REDIS_URL). Prints the front URL; Ctrl-C stops everything it started.
// See docs/scaling.md.
import { ClusterError, startCluster } from "./cluster/cluster";

const HELP = `Usage: DATABASE_URL=postgresql://… REDIS_URL=redis://… npm run cluster [-- --port N]

Starts two production instances of Session Lab (ports N+1 and N+2) behind nginx on port N
(default 8080), sharing PostgreSQL (DATABASE_URL) and Redis (REDIS_URL, REDIS_PREFIX).
Builds first if there is no production build. Installs nginx-light with apt-get when nginx
is missing and it runs as root. Ctrl-C stops everything it started.

Send X-Session-Lab-Target: a (or b) to reach one instance; every answer names its instance in
X-Session-Lab-Instance. Measure it with: npm run compare -- <front URL> --cluster`;

function parsePort(argv: string[]): number | "help" {
  let port = Number(process.env.CLUSTER_PORT ?? 8080);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--port") port = Number(argv[++i]);
    else throw new ClusterError(`Unknown argument ${JSON.stringify(arg)}. See npm run cluster -- --help.`);
  }
  if (!Number.isInteger(port) || port < 1024 || port > 65533)
    throw new ClusterError("--port must be an integer from 1024 to 65533 (the instances take the next two).");
  return port;
}

async function main(): Promise<number> {
  const port = parsePort(process.argv.slice(2));
  if (port === "help") {
    console.log(HELP);
    return 0;
  }
  const cluster = await startCluster({
    frontPort: port,
    databaseUrl: process.env.DATABASE_URL,
    redisUrl: process.env.REDIS_URL,
    buildIfMissing: true,
  });
  console.log(`\nSession Lab cluster: ${cluster.frontUrl}`);
  console.log(
    `  instances a ${cluster.instances[0]!.url} and b ${cluster.instances[1]!.url} (X-Session-Lab-Target: a|b), nginx config in ${cluster.dir}`,
  );
  console.log(`  measure it: npm run compare -- ${cluster.frontUrl} --cluster`);
  console.log("  Ctrl-C stops everything.\n");
  let stopping = false;
  for (const instance of cluster.instances) {
    instance.child?.on("exit", (code, signal) => {
      if (!stopping) console.error(`[cluster] instance ${instance.name} exited (${signal ?? code}); nginx routes around it.`);
    });
  }
  await new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    cluster.nginx.once("exit", (code) => {
      if (!stopping) console.error(`[cluster] nginx exited (${code}); stopping.`);
      resolve();
    });
  });
  stopping = true;
  console.log("\nStopping the cluster…");
  await cluster.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `\nnpm run cluster: ${error instanceof ClusterError ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
