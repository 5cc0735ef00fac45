import type { ScenarioId } from "@/lib/catalog/scenarios";
import type { VariantId } from "@/lib/catalog/variants";
import type { Role } from "@/lib/strategies";
import type { Answer, Device, Target } from "./client";
import { CROSS_DOMAIN_DRIVERS } from "./cross-domain";
import type { EventRecord, SampleState } from "./types";

// How each scenario of the catalog (lib/catalog/scenarios.ts) is driven over
// HTTP: who signs in, what the event is, and what one replay asks and means.
// The engine (./engine.ts) does the rest for every scenario alike: the
// pre-check, timing the event, polling, the verdict.
//
// Adding a scenario: add its id and text to lib/catalog/scenarios.ts and each
// variant's expectation to lib/catalog/variants.ts (TypeScript then asks for
// a driver here), then write its driver below. A driver that needs more than
// the app's own API (a partner origin, a second instance) reads it from
// `ctx.targets` and says in `appliesTo` when it cannot run.

/** A throwaway account of the run (lib/compare/accounts.ts). */
export interface RunAccount {
  id: string;
  email: string;
  password: string;
  role: Role;
  name: string;
}

export interface CellContext {
  variant: VariantId;
  /** The cell's own user: nobody else's cell touches it. */
  subject: RunAccount;
  /** The cell's own admin, when the driver asked for one. */
  admin: RunAccount | null;
  /** Extra named targets the run was given (e.g. `secondary`: another instance of a cluster). */
  targets: Readonly<Record<string, Target>>;
  /** A new client of this variant (not signed in), on the primary target or a named one. */
  device(target?: string): Device;
  /** Signs `device` in as `account` (default: the subject); resolves when the credential was issued. */
  signIn(device: Device, account?: RunAccount): Promise<Issued>;
}

export interface Replay {
  answer: Answer;
  state: SampleState;
  /** Credential bytes the server reported for this request. */
  bytes?: number;
}

/**
 * When a credential was issued, on this client's clock: the server issued it
 * between the sign-in request's send and its answer (`at`, performance.now()),
 * so up to `withinMs` before `at`.
 */
export interface Issued {
  at: number;
  withinMs: number;
}

export interface PreparedCell {
  /** The client whose credential is replayed after the event. */
  replayer: Device;
  /** When the replayed credential was issued. */
  issuedAt: Issued;
  /** Performs the event; resolves what it answered. */
  event(): Promise<EventRecord>;
  /** One replay and what it means. */
  replay(): Promise<Replay>;
  /** Shown with the result (e.g. "nothing to steal: …"). */
  note?: string;
}

export interface ScenarioDriver {
  /** The subject's role at the start, and whether an admin of the run acts in the event. */
  needs: { subjectRole: Role; admin: boolean };
  /** `true`, or why this scenario cannot run for this variant or these targets (the cell is n/a). */
  appliesTo?(variant: VariantId, targets: Readonly<Record<string, Target>>): true | string;
  prepare(ctx: CellContext): Promise<PreparedCell>;
}

/** The run's target for another instance of the deployment (the CLI's --secondary, or instance b with --cluster). */
export const SECONDARY_TARGET = "secondary";

export function eventRecord(method: string, device: Device, path: string, answer: Answer): EventRecord {
  const body = answer.body ?? {};
  const note =
    typeof body.note === "string" ? body.note : body.code === "unsupported" && typeof body.error === "string" ? body.error : undefined;
  return {
    request: `${method} /api/${device.variant}${path}`,
    status: answer.status,
    ...(typeof body.code === "string" ? { code: body.code } : {}),
    ...(typeof body.capability === "string" ? { capability: body.capability } : {}),
    ...(note ? { note } : {}),
    ms: Math.round((answer.receivedAt - answer.sentAt) * 10) / 10,
  };
}

async function act(device: Device, method: string, path: string, body?: unknown): Promise<EventRecord> {
  return eventRecord(method, device, path, await device.request(method, path, body));
}

const unexpected = (a: Answer): SampleState => (a.status === 401 ? "rejected" : "error");

/** Revocation: does the credential still get GET /me answered? */
export async function replayMe(device: Device): Promise<Replay> {
  const answer = await device.request("GET", "/me");
  if (answer.status !== 200) return { answer, state: unexpected(answer) };
  const session = answer.body?.session as { credentialBytes?: unknown } | undefined;
  return { answer, state: "accepted", ...(typeof session?.credentialBytes === "number" ? { bytes: session.credentialBytes } : {}) };
}

/** Stale authorization: does the demoted credential still open the admin API? */
async function replayAdmin(device: Device): Promise<Replay> {
  const answer = await device.request("GET", "/admin/users");
  if (answer.status === 200) return { answer, state: "stale" };
  if (answer.status === 403) return { answer, state: "fresh" };
  return { answer, state: unexpected(answer) };
}

/** Stale data: which name does the credential still serve? */
async function replayName(device: Device, oldName: string, newName: string): Promise<Replay> {
  const answer = await device.request("GET", "/me");
  if (answer.status !== 200) return { answer, state: unexpected(answer) };
  const user = answer.body?.user as { name?: unknown } | undefined;
  const state: SampleState = user?.name === oldName ? "stale" : user?.name === newName ? "fresh" : "error";
  return { answer, state };
}

/** Two clients of the subject: the device that acts (A) and the one whose credential is watched (B). */
async function twoDevices(ctx: CellContext): Promise<{ a: Device; b: Device; issuedAt: Issued }> {
  const a = ctx.device();
  const b = ctx.device();
  await ctx.signIn(a);
  const issuedAt = await ctx.signIn(b);
  return { a, b, issuedAt };
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 8);
}

export const SCENARIO_DRIVERS: Record<ScenarioId, ScenarioDriver> = {
  "sign-out": {
    needs: { subjectRole: "member", admin: false },
    async prepare(ctx) {
      const victim = ctx.device();
      const issuedAt = await ctx.signIn(victim);
      // Copied before sign-out: the whole jar and token, kept up to date as a browser jar would be.
      const copy = victim.copy("full");
      return { replayer: copy, issuedAt, event: () => act(victim, "POST", "/logout"), replay: () => replayMe(copy) };
    },
  },
  "sign-out-everywhere": {
    needs: { subjectRole: "member", admin: false },
    async prepare(ctx) {
      const { a, b, issuedAt } = await twoDevices(ctx);
      return { replayer: b, issuedAt, event: () => act(a, "POST", "/logout-all"), replay: () => replayMe(b) };
    },
  },
  "revoke-device": {
    needs: { subjectRole: "member", admin: false },
    async prepare(ctx) {
      const { a, b, issuedAt } = await twoDevices(ctx);
      return {
        replayer: b,
        issuedAt,
        async event() {
          const list = await a.request("GET", "/sessions");
          // Cannot list: ask to revoke anyway, so the `unsupported` answer names the capability the catalog expects.
          if (list.status !== 200) return act(a, "DELETE", "/sessions/another-device");
          const sessions = (list.body?.sessions ?? []) as { id?: unknown; current?: unknown }[];
          const other = sessions.find((s) => s.current === false && typeof s.id === "string");
          if (!other) return { ...eventRecord("GET", a, "/sessions", list), status: 0, note: "Device B's session was not listed." };
          return act(a, "DELETE", `/sessions/${String(other.id)}`);
        },
        replay: () => replayMe(b),
      };
    },
  },
  disable: {
    needs: { subjectRole: "member", admin: true },
    async prepare(ctx) {
      const user = ctx.device();
      const issuedAt = await ctx.signIn(user);
      const admin = ctx.device();
      await ctx.signIn(admin, ctx.admin!);
      return {
        replayer: user,
        issuedAt,
        event: () => act(admin, "POST", `/admin/users/${ctx.subject.id}/disable`, { disabled: true }),
        replay: () => replayMe(user),
      };
    },
  },
  "password-change": {
    needs: { subjectRole: "member", admin: false },
    async prepare(ctx) {
      const { a, b, issuedAt } = await twoDevices(ctx);
      const newPassword = `${ctx.subject.password.slice(0, 16)}-${randomSuffix()}-changed`;
      return {
        replayer: b,
        issuedAt,
        event: () => act(a, "POST", "/password", { currentPassword: ctx.subject.password, newPassword }),
        replay: () => replayMe(b),
      };
    },
  },
  "role-demotion": {
    needs: { subjectRole: "admin", admin: true },
    async prepare(ctx) {
      const demoted = ctx.device();
      const issuedAt = await ctx.signIn(demoted);
      const admin = ctx.device();
      await ctx.signIn(admin, ctx.admin!);
      return {
        replayer: demoted,
        issuedAt,
        event: () => act(admin, "POST", `/admin/users/${ctx.subject.id}/role`, { role: "member" }),
        replay: () => replayAdmin(demoted),
      };
    },
  },
  "name-change": {
    needs: { subjectRole: "member", admin: false },
    async prepare(ctx) {
      const { a, b, issuedAt } = await twoDevices(ctx);
      const oldName = ctx.subject.name;
      const newName = `Renamed ${randomSuffix()}`;
      return {
        replayer: b,
        issuedAt,
        event: () => act(a, "PATCH", "/profile", { name: newName }),
        replay: () => replayName(b, oldName, newName),
      };
    },
  },
  "stolen-credential": {
    needs: { subjectRole: "member", admin: false },
    async prepare(ctx) {
      const victim = ctx.device();
      const issuedAt = await ctx.signIn(victim);
      // What an injected script can read (the catalog's pageScriptReads): the bearer token, never an HttpOnly cookie.
      const thief = victim.copy("script");
      return {
        replayer: thief,
        issuedAt,
        note: thief.holdsCredential ? undefined : "Nothing to steal: page JavaScript cannot read an HttpOnly cookie.",
        async event() {
          // The victim signs out and closes the tab.
          const record = await act(victim, "POST", "/logout");
          victim.forget();
          return record;
        },
        replay: () => replayMe(thief),
      };
    },
  },
  // Origin A hands the user over to origin B; then sign-out or disabling on A (./cross-domain.ts).
  ...CROSS_DOMAIN_DRIVERS,
  // Two instances behind one front (npm run cluster): the primary target is instance A, `secondary` instance B.
  "cross-instance": {
    needs: { subjectRole: "member", admin: false },
    appliesTo(_variant, targets) {
      return targets[SECONDARY_TARGET]
        ? true
        : "Needs a second instance: run `npm run compare <front URL> --cluster` against `npm run cluster` (docs/scaling.md).";
    },
    async prepare(ctx) {
      const onA = ctx.device();
      const issuedAt = await ctx.signIn(onA);
      // The whole jar, replayed through instance B; B serves it once in the pre-check, so its caches are warm.
      const onB = onA.copyTo(ctx.targets[SECONDARY_TARGET]!);
      return { replayer: onB, issuedAt, event: () => act(onA, "POST", "/logout"), replay: () => replayMe(onB) };
    },
  },
};
