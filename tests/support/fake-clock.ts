import type { Clock } from "@/lib/server/strategies/types";

export function fakeClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(seconds: number): void; set(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance(seconds) {
      now += seconds * 1000;
    },
    set(ms) {
      now = ms;
    },
  };
}

export const alice = { id: "user-alice", name: "Alice", role: "admin" as const };

/** A credential check that accepts one password for alice, without a database. */
export async function fakeVerify({ email, password }: { email: string; password: string }) {
  if (email === "alice@example.com" && password === "right-password") return { ok: true as const, user: alice, sessionVersion: 0 };
  if (email === "disabled@example.com" && password === "right-password") return { ok: false as const, reason: "disabled" as const };
  return { ok: false as const, reason: "invalid" as const };
}
