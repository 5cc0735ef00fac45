// Ports and names of the cluster tests: overridable, so two checkouts on one machine do not collide.

const int = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const CLUSTER_TEST = {
  /** nginx; the instances take the next two ports. */
  frontPort: int("CLUSTER_TEST_PORT", 3220),
  /** The TCP proxy in front of PostgreSQL that the tests cut. */
  pgProxyPort: int("CLUSTER_TEST_PG_PROXY_PORT", 3230),
  /** The tests' own redis-server. */
  redisPort: int("CLUSTER_TEST_REDIS_PORT", 6422),
  /** The PostgreSQL server (its own database is created and dropped by the tests). */
  postgresUrl: process.env.CLUSTER_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  database: process.env.CLUSTER_TEST_DATABASE ?? "lab_scale_cluster",
};

export function databaseUrl(host: string, port: number): string {
  const url = new URL(CLUSTER_TEST.postgresUrl);
  url.hostname = host;
  url.port = String(port);
  url.pathname = `/${CLUSTER_TEST.database}`;
  return url.toString();
}

/** The test process reaches PostgreSQL directly (to count rows); the instances go through the proxy. */
export function clusterTestEnv(): Record<string, string> {
  const direct = new URL(CLUSTER_TEST.postgresUrl);
  return {
    DATABASE_URL: databaseUrl(direct.hostname, Number(direct.port || 5432)),
    NODE_ENV: "test",
  };
}
