import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";
import { countLookup } from "@/lib/server/timing";

// Wraps a Prisma driver adapter so that every SQL statement it runs is
// counted (and timed) in the current measuring scope (lib/server/timing.ts):
// the Server-Timing header's database query count comes from here, below
// Prisma, so it counts what really reaches the database.

/** A proxy of `target` with some members replaced; everything else is the target's own (methods bound to it). */
function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(obj, prop) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) return overrides[prop as keyof T];
      const value = Reflect.get(obj, prop, obj) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}

function counted<T extends SqlQueryable>(target: T, more: Partial<T> = {}): T {
  return withOverrides(target, {
    queryRaw: (query: SqlQuery) => countLookup("db", () => target.queryRaw(query)),
    executeRaw: (query: SqlQuery) => countLookup("db", () => target.executeRaw(query)),
    ...more,
  } as Partial<T>);
}

/** `onConnect` receives the counted adapter Prisma connected (lib/server/db/client.ts reads through it on hot paths). */
export function countingAdapterFactory<F extends SqlDriverAdapterFactory>(
  factory: F,
  onConnect: (adapter: SqlDriverAdapter) => void = () => {},
): F {
  return withOverrides(factory, {
    connect: async (): Promise<SqlDriverAdapter> => {
      const adapter = await factory.connect();
      const countedAdapter = counted(adapter, {
        startTransaction: async (...args: Parameters<SqlDriverAdapter["startTransaction"]>): Promise<Transaction> =>
          counted(await adapter.startTransaction(...args)),
      });
      onConnect(countedAdapter);
      return countedAdapter;
    },
  } as Partial<F>);
}
