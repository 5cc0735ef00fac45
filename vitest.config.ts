import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside a React Server bundle; unit tests run server code directly.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    include: ["tests/unit/**/*.test.ts"],
    environment: "node",
    globalSetup: ["tests/support/unit-global-setup.ts"],
    env: {
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? "file:./data/unit-test.db",
      NODE_ENV: "test",
    },
    // One SQLite file is shared by the test files: run them one at a time.
    fileParallelism: false,
    // next-auth imports "next/server" without an extension, which only a bundler resolves: let Vite do it.
    server: { deps: { inline: ["next-auth"] } },
    testTimeout: 20_000,
  },
});
