import path from "node:path";
import { defineConfig } from "vitest/config";
import { clusterTestEnv } from "./env";

// npm run test:cluster: the cluster's fault, concurrency and cross-instance
// tests (docs/scaling.md). They start their own redis-server, a TCP proxy in
// front of PostgreSQL and two production instances behind nginx, so they need
// a production build (`npm run build`), nginx and redis-server.

const root = path.resolve(import.meta.dirname, "../..");

export default defineConfig({
  root,
  resolve: {
    alias: {
      "@": root,
      "server-only": path.resolve(root, "tests/support/empty.ts"),
    },
  },
  test: {
    include: ["tests/cluster/**/*.test.ts"],
    environment: "node",
    globalSetup: ["tests/cluster/global-setup.ts"],
    env: clusterTestEnv(),
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
