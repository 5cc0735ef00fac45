// The Server-Timing entries API responses carry (docs/api.md). Client-safe:
// the server formats them, the comparison runner, the CLI and tests parse them.
//
//   Server-Timing: session;dur=0.412;desc="session check", session-db;dur=0.298;count=1;desc="1 database query",
//                  session-redis;dur=0;count=0;desc="0 redis commands"
//
// `session` is the wall time of the session check (validate()) in ms;
// `session-db` / `session-redis` are the store lookups it made, counted at the
// database driver adapter (and the Redis client), with their summed time.
// The refresh endpoint reports the same three under the prefix `refresh`.

export type TimingPhase = "session" | "refresh";

export interface PhaseTiming {
  /** Wall time of the phase, ms. */
  durationMs: number;
  db: { count: number; durationMs: number };
  redis: { count: number; durationMs: number };
}

const ms = (value: number) => (Math.round(value * 1000) / 1000).toString();
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** One phase as Server-Timing entries (comma-separated, ready to append). */
export function formatServerTiming(phase: TimingPhase, t: PhaseTiming): string {
  return [
    `${phase};dur=${ms(t.durationMs)};desc="${phase === "session" ? "session check" : "refresh"}"`,
    `${phase}-db;dur=${ms(t.db.durationMs)};count=${t.db.count};desc="${plural(t.db.count, "database query", "database queries")}"`,
    `${phase}-redis;dur=${ms(t.redis.durationMs)};count=${t.redis.count};desc="${plural(t.redis.count, "redis command", "redis commands")}"`,
  ].join(", ");
}

/** Reads one phase back from a Server-Timing header; null when the header does not report it. */
export function parseServerTiming(header: string | null | undefined, phase: TimingPhase = "session"): PhaseTiming | null {
  if (!header) return null;
  const metrics = new Map<string, Record<string, string>>();
  for (const entry of header.split(",")) {
    const [name, ...params] = entry.trim().split(";");
    if (!name) continue;
    const values: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf("=");
      if (eq > 0)
        values[p.slice(0, eq).trim()] = p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, "");
    }
    metrics.set(name.trim(), values);
  }
  const main = metrics.get(phase);
  if (!main?.dur) return null;
  const part = (name: string) => {
    const m = metrics.get(`${phase}-${name}`);
    return { count: Number(m?.count ?? 0), durationMs: Number(m?.dur ?? 0) };
  };
  return { durationMs: Number(main.dur), db: part("db"), redis: part("redis") };
}
