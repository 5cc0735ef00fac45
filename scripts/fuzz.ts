// npm run fuzz [-- URL] [--count N] [--seed S]: property-based hostile requests
// (fast-check) against every route of docs/api.md. Without a URL it starts its
// own cluster (two instances behind nginx, like npm run cluster, on FUZZ_PORT,
// default 3900) from DATABASE_URL and REDIS_URL, so it can also check that both
// processes are alive afterwards and that their memory returns to its baseline.
// Prints the count and the seed; exit status 1 on any answer ≥ 500, a hang, a
// dead process or memory that stays up. Replay a failure with --seed.
import { groupRss, runFuzz } from "./fuzz/run";
import { ClusterError, startCluster, type Cluster } from "./cluster/cluster";

const HELP = `Usage: npm run fuzz -- [URL] [--count N] [--seed S]

Sends N (default 10000) generated hostile requests, 8 at a time, and fails on any answer ≥ 500.
Without URL: starts its own cluster on FUZZ_PORT (default 3900) from DATABASE_URL (PostgreSQL) and
REDIS_URL, and also checks that both instances survive and their memory returns to baseline.`;

const MiB = 1024 * 1024;
const WARM_UP_REQUESTS = 1000;
const FUZZ_HEAP_MIB = 256;
/**
 * Memory "back to baseline": within this much of the warm baseline, after the settle time. V8 keeps
 * heap it grew into for a while; what this catches is growth with the request count (a leak).
 */
const RSS_SLACK_BYTES = 128 * MiB;
const RSS_SETTLE_MS = 30_000;

function parse(argv: string[]): { url: string | null; count: number; seed: number } | "help" {
  let url: string | null = null;
  let count = Number(process.env.FUZZ_COUNT ?? 10_000);
  let seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") return "help";
    else if (arg === "--count") count = Number(argv[++i]);
    else if (arg === "--seed") seed = Number(argv[++i]);
    else if (!arg.startsWith("-") && url === null) url = arg.replace(/\/+$/, "");
    else throw new ClusterError(`Unknown argument ${JSON.stringify(arg)}. See npm run fuzz -- --help.`);
  }
  if (!Number.isInteger(count) || count < 8 || count > 1_000_000) throw new ClusterError("--count must be an integer from 8 to 1,000,000.");
  if (!Number.isInteger(seed)) throw new ClusterError("--seed must be an integer.");
  return { url, count, seed };
}

const rssOf = (cluster: Cluster) => cluster.instances.map((i) => (i.child?.pid ? groupRss(i.child.pid) : null));
const mib = (bytes: number | null) => (bytes === null ? "gone" : `${(bytes / MiB).toFixed(0)} MiB`);

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (args === "help") {
    console.log(HELP);
    return 0;
  }
  let cluster: Cluster | null = null;
  try {
    if (!args.url) {
      cluster = await startCluster({
        frontPort: Number(process.env.FUZZ_PORT ?? 3900),
        databaseUrl: process.env.DATABASE_URL,
        redisUrl: process.env.REDIS_URL,
        redisPrefix: process.env.REDIS_PREFIX ?? "fuzz:",
        buildIfMissing: true,
        log: (l) => console.error(l),
        instanceLog: `${process.cwd()}/data/fuzz`,
        // A capped heap: V8 then collects instead of growing into free memory, so a leak shows up
        // as memory that stays up (or a dead instance), not as a heap that was merely never shrunk.
        env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=${FUZZ_HEAP_MIB}`.trim() },
      });
    }
    const baseUrl = args.url ?? cluster!.frontUrl;
    console.error(`fuzz: ${args.count} requests against ${baseUrl}, seed ${args.seed}`);

    // Warm up (the first requests of each route load and cache code), then take the memory baseline.
    let baseline: (number | null)[] = [];
    if (cluster) {
      await runFuzz({ baseUrl, count: WARM_UP_REQUESTS, seed: args.seed + 1 });
      baseline = rssOf(cluster);
      console.error(`fuzz: baseline memory a ${mib(baseline[0]!)}, b ${mib(baseline[1]!)}`);
    }

    const result = await runFuzz({ baseUrl, count: args.count, seed: args.seed, log: (l) => console.error(l) });
    const problems: string[] = [];
    if (result.counterexample) {
      problems.push(`${result.failures.length} answer(s) ≥ 500 or none at all, e.g. ${JSON.stringify(result.failures[0])}`);
      problems.push(`counterexample: ${result.counterexample}`);
    }

    if (cluster) {
      for (const instance of cluster.instances) {
        if (instance.child?.exitCode !== null || instance.child?.signalCode)
          problems.push(`instance ${instance.name} died during the fuzz`);
      }
      // Memory back to baseline: allow the garbage collector time to return what the fuzz used.
      const until = Date.now() + RSS_SETTLE_MS;
      let after = rssOf(cluster);
      const settled = () => after.every((v, i) => v !== null && baseline[i] !== null && v <= baseline[i]! + RSS_SLACK_BYTES);
      while (!settled() && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 1000));
        after = rssOf(cluster);
      }
      console.error(
        `fuzz: memory after a ${mib(after[0]!)}, b ${mib(after[1]!)} (baseline a ${mib(baseline[0]!)}, b ${mib(baseline[1]!)})`,
      );
      if (!settled())
        problems.push(`memory did not return to within ${RSS_SLACK_BYTES / MiB} MiB of its baseline in ${RSS_SETTLE_MS / 1000} s`);
    }

    const statuses = Object.entries(result.statuses)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    console.log(
      `fuzz: ${result.requests} requests, seed ${result.seed}: ${problems.length ? "FAILED" : "0 answers ≥ 500"}; statuses ${statuses}`,
    );
    for (const p of problems) console.log(`  ${p}`);
    if (problems.length)
      console.log(`  replay: npm run fuzz -- ${args.url ?? ""} --count ${args.count} --seed ${args.seed}`.replace(/ {2,}/g, " "));
    return problems.length ? 1 : 0;
  } finally {
    await cluster?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `\nnpm run fuzz: ${error instanceof ClusterError ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(2);
  },
);
