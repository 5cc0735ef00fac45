import { describe, expect, it, vi } from "vitest";
import { PROCESS_PROFILES, TTL_PROFILES, type TtlProfile } from "@/lib/catalog/lifetimes";
import { SCENARIO_IDS, SCENARIOS } from "@/lib/catalog/scenarios";
import { formatServerTiming, parseServerTiming } from "@/lib/catalog/server-timing";
import { expectedWindow, MITIGATION_IDS, VARIANT_IDS, VARIANTS, type VariantCapabilityName } from "@/lib/catalog/variants";
import { getDb } from "@/lib/server/db/client";
import { countLookup, measure } from "@/lib/server/timing";
import { STRATEGIES, STRATEGY_IDS } from "@/lib/strategies";

const CAPABILITIES: VariantCapabilityName[] = ["listSessions", "revokeSession", "revokeAllSessions", "refresh"];

describe("the variants catalog", () => {
  it("has the four strategies, five mitigations and two speed switches, each on an existing base", () => {
    expect(VARIANT_IDS).toEqual([
      ...STRATEGY_IDS,
      "cookie-version",
      "jwt-denylist",
      "jwt-refresh",
      "nextauth-refresh",
      "stateful-cache",
      "cookie-cache",
      "nextauth-lazy",
    ]);
    for (const id of VARIANT_IDS) {
      const v = VARIANTS[id];
      expect(v.id).toBe(id);
      expect(STRATEGY_IDS).toContain(v.base);
      expect(v.adds === null).toBe((STRATEGY_IDS as readonly string[]).includes(id));
    }
    for (const id of MITIGATION_IDS) expect(id.startsWith(`${VARIANTS[id].base}-`)).toBe(true);
  });

  it("states an expectation with a reason for every scenario × variant, consistent with the capabilities", () => {
    for (const id of VARIANT_IDS) {
      const v = VARIANTS[id];
      for (const scenario of SCENARIO_IDS) {
        const e = v.expected[scenario];
        expect(e.reason.length, `${id}/${scenario}`).toBeGreaterThan(10);
        // A scenario whose action the variant cannot perform names the capability, and it really is unsupported.
        if (e.unsupported) expect(v.capabilities[e.unsupported], `${id}/${scenario}`).not.toBe(true);
        if (e.window === "none" && scenario === "sign-out-everywhere") expect(v.capabilities.revokeAllSessions).toBe(true);
        if (e.window === "access-token") expect(id).toBe("jwt-refresh");
        if (e.window === "sliding") expect(v.base).toBe("nextauth");
      }
      // Nothing page JavaScript can read means the stolen copy is empty.
      if (v.pageScriptReads === null) expect(v.expected["stolen-credential"].window).toBe("none");
      // Every mitigation brings back a lookup somewhere: per request, or at refresh. A speed switch changes
      // no outcome of its base (the cross-domain rows name the variant) and looks nothing up.
      if (v.speedOnly) {
        const windows = (e: typeof v.expected) =>
          Object.entries(e)
            .filter(([scenario]) => !scenario.startsWith("cross-domain-"))
            .map(([scenario, { window, unsupported }]) => [scenario, window, unsupported]);
        expect(windows(v.expected), id).toEqual(windows(VARIANTS[v.base].expected));
        expect(v.stores.check.length + v.stores.refresh.length).toBe(0);
      } else if (v.adds) expect(v.stores.check.length + v.stores.refresh.length).toBeGreaterThan(0);
      // An in-process cache hit makes no lookup; a miss reads the stores behind it.
      expect(v.lookupsPerCheck).toBe(v.stores.check.includes("session-cache") ? 0 : v.stores.check.length);
      // Any cookie credential means the Origin check applies.
      if (v.transport === "cookie" || v.credentialHome.includes("cookie")) expect(v.originCheck).toBe(true);
      for (const c of CAPABILITIES) expect(v.capabilities[c] === true || v.capabilities[c].length > 10).toBe(true);
    }
    // The four strategies' capabilities are the ones the route groups' UI shows.
    for (const id of STRATEGY_IDS) {
      for (const c of ["listSessions", "revokeSession", "revokeAllSessions"] as const) {
        expect(VARIANTS[id].capabilities[c]).toBe(STRATEGIES[id].capabilities[c]);
      }
    }
  });

  it("turns windows into seconds and production-profile words", () => {
    expect(expectedWindow("stateful", "sign-out", "production")).toEqual({ seconds: 0, text: "rejected on the next request" });
    expect(expectedWindow("jwt", "stolen-credential", "production")).toEqual({
      seconds: 15 * 60 + 5,
      text: "the old credential keeps working for up to 15 min (the credential's lifetime)",
    });
    expect(expectedWindow("cookie", "role-demotion", "production").text).toBe(
      "stale data is served for up to 14 days (the credential's lifetime)",
    );
    expect(expectedWindow("jwt-refresh", "disable", "production").seconds).toBe(65);
    expect(expectedWindow("jwt-refresh", "disable", "matrix").seconds).toBe(10);
    expect(expectedWindow("nextauth", "sign-out", "production").seconds).toBeNull();
    expect(expectedWindow("nextauth-refresh", "name-change", "production").text).toBe("fresh on the next request");
    for (const id of VARIANT_IDS) {
      for (const scenario of SCENARIO_IDS) {
        const w = expectedWindow(id, scenario, "matrix");
        // Every expiring window is observable within a 30 s run under the matrix profile.
        if (w.seconds !== null) expect(w.seconds, `${id}/${scenario}`).toBeLessThan(30);
        expect(SCENARIOS[scenario].label.length).toBeGreaterThan(3);
      }
    }
  });

  it("the matrix profile only ever shortens a lifetime", () => {
    const matrix: TtlProfile = TTL_PROFILES.matrix;
    for (const profile of PROCESS_PROFILES) {
      const other: TtlProfile = TTL_PROFILES[profile];
      for (const id of STRATEGY_IDS) {
        expect(matrix[id].ttl).toBeLessThanOrEqual(other[id].ttl);
        expect(matrix[id].absolute ?? 0).toBeLessThanOrEqual(other[id].absolute ?? 0);
      }
      for (const k of ["access", "idle", "absolute", "grace"] as const) {
        expect(matrix.refresh[k]).toBeLessThanOrEqual(other.refresh[k]);
      }
    }
  });
});

describe("Server-Timing", () => {
  it("formats and parses the session check and its store lookups", () => {
    const timing = { durationMs: 0.41234, db: { count: 1, durationMs: 0.2981 }, redis: { count: 0, durationMs: 0 } };
    const header = formatServerTiming("session", timing);
    expect(header).toBe(
      'session;dur=0.412;desc="session check", session-db;dur=0.298;count=1;desc="1 database query", session-redis;dur=0;count=0;desc="0 redis commands"',
    );
    expect(parseServerTiming(header)).toEqual({
      durationMs: 0.412,
      db: { count: 1, durationMs: 0.298 },
      redis: { count: 0, durationMs: 0 },
    });
    expect(parseServerTiming(`app;dur=3, ${formatServerTiming("refresh", timing)}`, "refresh")?.db.count).toBe(1);
    expect(parseServerTiming(header, "refresh")).toBeNull();
    for (const garbage of [null, "", ";;;", "session", "session;dur", 'session;desc="x"']) expect(parseServerTiming(garbage)).toBeNull();
  });

  it("counts every statement below Prisma, transactions included, only inside a scope", async () => {
    const db = getDb();
    const { timing } = await measure(async () => {
      await db.user.count();
      await db.$queryRaw`SELECT 1`;
      await db.$transaction([db.user.count(), db.note.count()]);
    });
    expect(timing.db.count).toBeGreaterThanOrEqual(4);
    expect(timing.db.durationMs).toBeGreaterThan(0);
    expect(timing.durationMs).toBeGreaterThanOrEqual(timing.db.durationMs);
    // Concurrent scopes do not mix.
    const [a, b] = await Promise.all([measure(() => db.user.count()), measure(async () => undefined)]);
    expect(a.timing.db.count).toBe(1);
    expect(b.timing.db.count).toBe(0);
  });

  it("has a hook for other stores' commands (Redis)", async () => {
    const { timing } = await measure(() => countLookup("redis", async () => "PONG"));
    expect(timing.redis.count).toBe(1);
    expect(await countLookup("redis", async () => 42)).toBe(42); // outside a scope: just runs
  });
});

describe("the registry", () => {
  it("serves every variant under the process profile and the matrix profile, each matching the catalog", async () => {
    vi.stubEnv("JWT_SECRET", "j".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD");
    vi.stubEnv("AUTH_SECRET", "a".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD");
    vi.stubEnv("IRON_SESSION_PASSWORD", "i".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD");
    const { getStrategy, strategies } = await import("@/lib/server/strategies");
    for (const selection of ["process", "matrix"] as const) {
      for (const id of VARIANT_IDS) {
        const s = getStrategy(id, selection);
        expect(s.id).toBe(id);
        expect(s.transport).toBe(VARIANTS[id].transport);
        for (const c of CAPABILITIES) {
          const entry = VARIANTS[id].capabilities[c];
          const cap = s.capabilities[c];
          expect(cap.supported, `${id}.${c}`).toBe(entry === true);
          if (!cap.supported) expect(cap.reason).toBe(entry);
        }
      }
    }
    expect(strategies("process")).toBe(strategies("process")); // built once
    expect(strategies("matrix")).not.toBe(strategies("process"));
    vi.unstubAllEnvs();
  });
});
