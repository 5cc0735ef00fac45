import { VARIANTS, type VariantId } from "@/lib/catalog/variants";
import { HANDOFF_ROUTES, PARTNER_HOME } from "@/lib/handoff";
import type { Answer, Device, Target } from "./client";
import type { CellContext, PreparedCell, RunAccount, ScenarioDriver } from "./scenarios";
import type { EventRecord, SampleState } from "./types";

// The cross-domain scenarios (lib/catalog/scenarios.ts; docs/handoff.md):
// the user signs in on origin A (the stateful app), is handed over to origin B,
// then signs out on A or is disabled there, and B is asked whether it still
// accepts what the user brought. Under `stateful` that is the one-time
// handoff (B's own session, which A's back-channel logout ends); under `jwt`
// the naive way (one JWT both origins accept). The app's two origins come
// from the run's targets HANDOFF_TARGETS (GET /api/handoff/origins names them).

export const HANDOFF_TARGETS = { a: "handoff-a", b: "handoff-b" } as const;

/** The run's targets for the two origins, from what the app says they are (GET /api/handoff/origins: `{a, b}`). */
export function handoffTargets(origins: { a: string; b: string }, headers?: Record<string, string>): Record<string, Target> {
  return {
    [HANDOFF_TARGETS.a]: { baseUrl: origins.a, ...(headers ? { headers } : {}) },
    [HANDOFF_TARGETS.b]: { baseUrl: origins.b, ...(headers ? { headers } : {}) },
  };
}

function appliesTo(variant: VariantId, targets: Readonly<Record<string, Target>>): true | string {
  const expected = VARIANTS[variant].expected["cross-domain-sign-out"];
  if (expected.notApplicable) return expected.reason;
  if (!targets[HANDOFF_TARGETS.a] || !targets[HANDOFF_TARGETS.b]) {
    return "The run was not given the app's two origins (its GET /api/handoff/origins did not answer), so nothing could cross between them.";
  }
  return true;
}

function record(method: string, path: string, answer: Answer): EventRecord {
  const body = answer.body ?? {};
  return {
    request: `${method} ${path}`,
    status: answer.status,
    ...(typeof body.code === "string" ? { code: body.code } : {}),
    ...(typeof body.note === "string" ? { note: body.note } : {}),
    ms: Math.round((answer.receivedAt - answer.sentAt) * 10) / 10,
  };
}

function expectStatus(answer: Answer, status: number, step: string): Answer {
  if (answer.status === status) return answer;
  const code = typeof answer.body?.code === "string" ? ` (${answer.body.code})` : "";
  throw new Error(`${step} answered ${answer.status}${code}, expected ${status}.`);
}

/** A redirect's target as a path on `origin`; anything pointing elsewhere is an error. */
function redirectPath(answer: Answer, origin: string, step: string): string {
  const url = new URL(answer.location ?? "", origin);
  if (!answer.location || url.origin !== new URL(origin).origin) throw new Error(`${step} redirected to ${answer.location ?? "nowhere"}.`);
  return url.pathname + url.search;
}

/** Signs in with the stateful app on A (where both flows start), whatever the cell's variant. */
async function signInOnA(device: Device, account: RunAccount): Promise<void> {
  expectStatus(
    await device.sendPath("POST", "/api/stateful/login", { email: account.email, password: account.password }),
    200,
    "Sign-in on A",
  );
}

function crossDomainDriver(event: "sign-out" | "disable"): ScenarioDriver {
  return {
    needs: { subjectRole: "member", admin: event === "disable" },
    appliesTo,
    async prepare(ctx: CellContext): Promise<PreparedCell> {
      const [a, b] = [ctx.targets[HANDOFF_TARGETS.a]!, ctx.targets[HANDOFF_TARGETS.b]!];
      const onA = ctx.device(HANDOFF_TARGETS.a);
      await signInOnA(onA, ctx.subject);
      let replayer: Device;
      let issued: Answer;
      let probe: string;
      if (ctx.variant === "stateful") {
        // The three hops as a browser makes them: begin on B, authorize on A, exchange on B.
        const onB = ctx.device(HANDOFF_TARGETS.b);
        const begin = expectStatus(await onB.sendPath("GET", `${HANDOFF_ROUTES.begin}?next=${PARTNER_HOME}`), 303, "Begin on B");
        const authorize = expectStatus(await onA.sendPath("GET", redirectPath(begin, a.baseUrl, "Begin")), 303, "Authorize on A");
        issued = expectStatus(await onB.sendPath("GET", redirectPath(authorize, b.baseUrl, "Authorize")), 303, "Exchange on B");
        if (redirectPath(issued, b.baseUrl, "Exchange") !== PARTNER_HOME)
          throw new Error(`Exchange on B redirected to ${issued.location}.`);
        replayer = onB;
        probe = HANDOFF_ROUTES.partnerSession;
      } else {
        // The naive way: A's page script gets the shared JWT and hands it to B's.
        issued = expectStatus(await onA.sendPath("POST", HANDOFF_ROUTES.naiveToken), 200, "The shared JWT from A");
        replayer = onA.carryTo(b);
        probe = HANDOFF_ROUTES.naiveMe;
      }

      let perform: () => Promise<EventRecord>;
      if (event === "sign-out") {
        perform = async () => record("POST", "/api/stateful/logout", await onA.sendPath("POST", "/api/stateful/logout"));
      } else {
        // An admin of the run, through the cell's own variant (so its session checks count as that variant's).
        const admin = ctx.device();
        await ctx.signIn(admin, ctx.admin!);
        const path = `/admin/users/${ctx.subject.id}/disable`;
        perform = async () => record("POST", `/api/${ctx.variant}${path}`, await admin.request("POST", path, { disabled: true }));
      }
      return {
        replayer,
        issuedAt: { at: issued.receivedAt, withinMs: issued.receivedAt - issued.sentAt },
        note:
          ctx.variant === "stateful"
            ? "Measured: B's own session from a one-time handoff"
            : "Measured: the naive shared JWT, replayed on B",
        event: perform,
        async replay() {
          const answer = await replayer.sendPath("GET", probe);
          const state: SampleState = answer.status === 200 ? "accepted" : answer.status === 401 ? "rejected" : "error";
          return { answer, state };
        },
      };
    },
  };
}

export const CROSS_DOMAIN_DRIVERS = {
  "cross-domain-sign-out": crossDomainDriver("sign-out"),
  "cross-domain-disable": crossDomainDriver("disable"),
} satisfies Record<string, ScenarioDriver>;
