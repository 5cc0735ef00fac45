import pg from "pg";
import { CLUSTER_TEST } from "./env";

// A fresh database for the run, dropped afterwards (the instances migrate it at start).

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: CLUSTER_TEST.postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoted = `"${CLUSTER_TEST.database.replace(/"/g, '""')}"`;

export async function setup(): Promise<() => Promise<void>> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${quoted}`);
  });
  return async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`));
  };
}
