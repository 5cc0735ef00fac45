// prisma/models.prisma is the one source of truth; prisma/schema.prisma and
// prisma/postgres/schema.prisma are derived from it (npm run db:schemas).
// These tests fail when a derived file or the migrations drift.
import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { PROVIDER_PATHS } from "../../lib/server/db/config";
import { CLIENT_OUTPUT, deriveAll, PROVIDERS } from "../../scripts/db/schemas";

const root = process.cwd();

describe("derived Prisma schemas", () => {
  for (const file of deriveAll(root)) {
    it(`${file.path} matches prisma/models.prisma (run \`npm run db:schemas\` if this fails)`, () => {
      expect(file.actual, `${file.path} is missing`).not.toBeNull();
      expect(file.actual).toBe(file.expected);
    });
  }

  it("declare their provider and a separate client output each", () => {
    for (const provider of PROVIDERS) {
      const text = fs.readFileSync(path.join(root, PROVIDER_PATHS[provider].schema), "utf8");
      expect(text).toMatch(new RegExp(`datasource db \\{\\s*provider = "${provider}"\\s*\\}`));
      const output = /output\s*=\s*"([^"]+)"/.exec(text)?.[1];
      expect(output).toBeDefined();
      const resolved = path.resolve(root, path.dirname(PROVIDER_PATHS[provider].schema), output ?? "");
      expect(path.relative(root, resolved)).toBe(CLIENT_OUTPUT[provider]);
    }
  });
});

describe("migrations folders", () => {
  const folders = (dir: string) =>
    fs
      .readdirSync(path.join(root, dir), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();

  it("have a migration_lock.toml with the right provider", () => {
    for (const provider of PROVIDERS) {
      const lock = fs.readFileSync(path.join(root, PROVIDER_PATHS[provider].migrations, "migration_lock.toml"), "utf8");
      expect(lock).toMatch(new RegExp(`^provider = "${provider}"$`, "m"));
    }
  });

  it("hold the same migrations for both providers, each with a migration.sql", () => {
    const sqlite = folders(PROVIDER_PATHS.sqlite.migrations);
    const postgres = folders(PROVIDER_PATHS.postgresql.migrations);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(postgres).toEqual(sqlite);
    for (const provider of PROVIDERS) {
      for (const name of folders(PROVIDER_PATHS[provider].migrations)) {
        expect(name).toMatch(/^\d{14}_[A-Za-z0-9_]+$/);
        expect(fs.existsSync(path.join(root, PROVIDER_PATHS[provider].migrations, name, "migration.sql"))).toBe(true);
      }
    }
  });
});
