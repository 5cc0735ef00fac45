// Prisma 7 CLI configuration. The datasource URL lives here, not in the schema.
//
// DATABASE_URL picks the provider, exactly like the app does at runtime
// (lib/server/db/config.ts): unset or "file:..." -> SQLite with
// prisma/schema.prisma + prisma/migrations; "postgres(ql)://..." ->
// prisma/postgres/schema.prisma + prisma/postgres/migrations. So, on a
// machine that can download Prisma's schema engine,
//   DATABASE_URL=postgresql://... npx prisma migrate deploy
// applies the same migrations the app applies by itself at start.
//
// Note: Prisma 7 does not load .env files; export DATABASE_URL yourself.
// `prisma generate` is run per schema with --schema (see package.json).
import path from "node:path";

import { defineConfig } from "prisma/config";

import { PROVIDER_PATHS, providerForUrl, resolveDatabaseUrl, sqliteFilePath } from "./lib/server/db/config";

const url = resolveDatabaseUrl();
const provider = providerForUrl(url);

export default defineConfig({
  schema: PROVIDER_PATHS[provider].schema,
  migrations: { path: PROVIDER_PATHS[provider].migrations },
  datasource: {
    // Relative SQLite paths are made absolute against the project root so the
    // CLI and the app always open the same file.
    url: provider === "sqlite" ? `file:${sqliteFilePath(url, path.resolve("."))}` : url,
  },
});
