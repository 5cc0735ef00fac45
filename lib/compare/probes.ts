import { TTL_PROFILES } from "@/lib/catalog/lifetimes";
import { VARIANTS, type VariantId } from "@/lib/catalog/variants";
import type { Device } from "./client";
import { replayMe, type CellContext, type PreparedCell } from "./scenarios";
import type { ProbeId } from "./settings";
import type { ProbeCheck } from "./types";

// The runner's own checks besides the catalog's scenarios, each derived from
// the catalog too:
// - lifetime: a credential replayed exactly as issued, until it is refused:
//   real expiry, observed for every variant (the expected lifetime comes from
//   lib/catalog/lifetimes.ts);
// - csrf: the same state-changing request from this origin and forged from
//   another site with only the ambient (cookie) credential; the catalog's
//   `originCheck` and transport say what must happen;
// - refresh-reuse and parallel-refresh: the rotation promises of variants
//   whose `capabilities.refresh` is true (reuse ends the family; two tabs
//   refreshing at once stay signed in).

export interface ProbeDefinition {
  label: string;
  /** What the probe measures, one line. */
  description: string;
  /** `true`, or why it does not apply to this variant (the catalog's reason). */
  appliesTo(variant: VariantId): true | string;
  /** Window probes are polled like a scenario (the lifetime probe); check probes run steps and report checks. */
  kind: "window" | "checks";
  /** What the catalog leads us to expect, one line. */
  expectation(variant: VariantId): string;
}

export const PROBES: Record<ProbeId, ProbeDefinition> = {
  lifetime: {
    label: "Lifetime (real expiry)",
    description: "A copy of the credential, replayed byte for byte as it was issued, until the server refuses it.",
    appliesTo: () => true,
    kind: "window",
    expectation: () => "refused when its lifetime (plus the verifier's clock tolerance) runs out",
  },
  csrf: {
    label: "Cross-site request",
    description:
      "POST /notes forged from another site, carrying only what a browser attaches by itself (cookies), next to the same request from this origin.",
    appliesTo: () => true,
    kind: "checks",
    expectation: (v) =>
      VARIANTS[v].originCheck
        ? "refused with 403 csrf: a cookie credential is ambient, so the Origin check has to stop it"
        : "refused with 401: the bearer token is never attached by the browser, so nothing authenticates the forged request",
  },
  "refresh-reuse": {
    label: "Refresh token reuse",
    description: "A spent refresh token presented again after the grace window.",
    appliesTo: (v) => (VARIANTS[v].capabilities.refresh === true ? true : (VARIANTS[v].capabilities.refresh as string)),
    kind: "checks",
    expectation: () => "refused as reuse (401 refresh_reused), and the family's live token ends with it",
  },
  "parallel-refresh": {
    label: "Two tabs refresh at once",
    description: "Two concurrent refreshes with the same refresh token, then both tabs carry on.",
    appliesTo: (v) => (VARIANTS[v].capabilities.refresh === true ? true : (VARIANTS[v].capabilities.refresh as string)),
    kind: "checks",
    expectation: () => "both succeed with the same successor, and the user stays signed in",
  },
};

/** The lifetime probe as a window cell: t = 0 is the sign-in, and nothing else happens. */
export async function prepareLifetime(ctx: CellContext): Promise<PreparedCell> {
  const device = ctx.device();
  const issuedAt = await ctx.signIn(device);
  const frozen = device.copy("full", { frozen: true });
  return {
    replayer: frozen,
    issuedAt,
    note: "Replayed exactly as issued: re-issued cookies are ignored and nothing is refreshed.",
    event: async () => ({ request: "sign-in (t = 0)", status: 200, ms: 0 }),
    replay: () => replayMe(frozen),
  };
}

const check = (label: string, expected: string, observed: string, ok: boolean): ProbeCheck => ({ label, expected, observed, ok });
const statusText = (a: { status: number; body: Record<string, unknown> | null }) =>
  `${a.status}${typeof a.body?.code === "string" ? ` ${a.body.code}` : ""}`;

async function csrf(ctx: CellContext): Promise<ProbeCheck[]> {
  const device = ctx.device();
  await ctx.signIn(device);
  const info = VARIANTS[ctx.variant];
  const own = await device.request("POST", "/notes", { title: "same-origin request" });
  // A forged form post from another site: the browser attaches cookies (ambient), never an Authorization header.
  const forged = device.copy("full");
  forged.dropBearer();
  const attack = await forged.send("POST", "/notes", undefined, {
    Origin: "https://attacker.invalid",
    "Sec-Fetch-Site": "cross-site",
    "Content-Type": "text/plain",
  });
  const expectedStatus = info.originCheck ? 403 : 401;
  const expectedCode = info.originCheck ? "csrf" : "not_signed_in";
  return [
    check("same-origin request", "201 created", statusText(own), own.status === 201),
    check(
      "forged cross-site request",
      `${expectedStatus} ${expectedCode}`,
      statusText(attack),
      attack.status === expectedStatus && attack.body?.code === expectedCode,
    ),
  ];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

async function refreshReuse(ctx: CellContext, signal?: AbortSignal): Promise<ProbeCheck[]> {
  const device = ctx.device();
  await ctx.signIn(device);
  const spent = device.copy("full", { frozen: true }); // keeps generation 0 after the device rotates
  const rotate = await device.send("POST", "/refresh");
  const grace = TTL_PROFILES.matrix.refresh.grace;
  await sleep((grace + 0.6) * 1000, signal);
  const reuse = await spent.send("POST", "/refresh");
  const live = await device.send("POST", "/refresh");
  return [
    check("refresh rotates the token", "200", statusText(rotate), rotate.status === 200),
    check(
      `spent token again after the ${grace} s grace window`,
      "401 refresh_reused",
      statusText(reuse),
      reuse.status === 401 && reuse.body?.code === "refresh_reused",
    ),
    check("the family's live token afterwards", "401 (family ended)", statusText(live), live.status === 401),
  ];
}

async function parallelRefresh(ctx: CellContext): Promise<ProbeCheck[]> {
  const device = ctx.device();
  await ctx.signIn(device);
  const tabs: [Device, Device] = [device.copy("full"), device.copy("full")];
  const [a, b] = await Promise.all(tabs.map((t) => t.send("POST", "/refresh")));
  const same = tabs[0].refreshCookie() !== null && tabs[0].refreshCookie() === tabs[1].refreshCookie();
  const meA = await tabs[0].request("GET", "/me");
  const meB = await tabs[1].request("GET", "/me");
  const next = await tabs[0].send("POST", "/refresh");
  return [
    check("both refreshes", "200 and 200", `${a!.status} and ${b!.status}`, a!.status === 200 && b!.status === 200),
    check("their successors", "one and the same token", same ? "the same token" : "different tokens", same),
    check("both tabs afterwards (GET /me)", "200 and 200", `${meA.status} and ${meB.status}`, meA.status === 200 && meB.status === 200),
    check("the next refresh", "200 (still signed in)", statusText(next), next.status === 200),
  ];
}

/** Runs a checks probe; resolves its checks. */
export function runCheckProbe(probe: Exclude<ProbeId, "lifetime">, ctx: CellContext, signal?: AbortSignal): Promise<ProbeCheck[]> {
  switch (probe) {
    case "csrf":
      return csrf(ctx);
    case "refresh-reuse":
      return refreshReuse(ctx, signal);
    case "parallel-refresh":
      return parallelRefresh(ctx);
  }
}
