import { randomBytes, timingSafeEqual } from "node:crypto";
import { VARIANT_IDS, type VariantId } from "@/lib/catalog/variants";
import { Device } from "@/lib/compare/client";
import type { LiveAction, LiveActionResult, LiveLabInfo, LivePane, LiveProfile, LiveSnapshot } from "@/lib/compare/live-types";
import { createLease, extendLease, releaseLease, type Lease, type LeaseAccount } from "@/lib/server/data/compare";
import { isRole } from "@/lib/strategies";
import { selfTarget } from "./self";

// The live split-screen: one throwaway user signed in under every variant at
// once, by this server over loopback (so the visitor's own cookies are never
// touched), and a throwaway admin who demotes, disables or revokes that user.
// Each poll re-checks every pane with GET /me; what each pane still accepts,
// and which name and role it still asserts, is the measurement. Labs live in
// this process's memory; an unused one is closed after IDLE_MS, and its lease
// (with its accounts) expires on its own if the process dies.

export const MAX_LIVE_LABS = 3;
const IDLE_MS = 2 * 60_000;
const LEASE_SECONDS = 15 * 60;
const LOG_LENGTH = 20;

interface LiveLab {
  info: LiveLabInfo;
  token: string;
  lease: Lease;
  user: LeaseAccount;
  admin: LeaseAccount;
  panes: Map<VariantId, Device>;
  /** The admin's devices, per variant, signed in when first needed. */
  admins: Map<VariantId, Device>;
  /** The user's own "settings" device: renames happen here, not in a pane. */
  settings: Device;
  lastSeen: number;
  log: LiveActionResult[];
  inFlight: Promise<LivePane[]> | null;
  busy: Promise<unknown>;
}

const holder = globalThis as typeof globalThis & { sessionLabLiveLabs?: Map<string, LiveLab> };
const labs = (holder.sessionLabLiveLabs ??= new Map<string, LiveLab>());

function device(variant: VariantId, profile: LiveProfile): Device {
  return new Device({ target: selfTarget(), variant, matrixProfile: profile === "matrix" });
}

async function sweep(now = Date.now()): Promise<void> {
  for (const [id, lab] of labs) if (now - lab.lastSeen > IDLE_MS) await closeLab(id, lab.token).catch(() => null);
}

export type CreateLive =
  | { ok: true; lab: LiveLabInfo; token: string }
  | { ok: false; refusal: Extract<Awaited<ReturnType<typeof createLease>>, { ok: false }>["refusal"] };

export async function createLiveLab(profile: LiveProfile): Promise<CreateLive> {
  await sweep();
  // The user starts as an admin, so a demotion shows up as stale rights in the panes that cannot see it.
  const leased = await createLease({ kind: "live", accounts: ["admin", "admin"], ttlSeconds: LEASE_SECONDS, maxLive: MAX_LIVE_LABS });
  if (!leased.ok) return { ok: false, refusal: leased.refusal };
  const { lease } = leased;
  const [user, admin] = lease.accounts as [LeaseAccount, LeaseAccount];
  const id = `live_${randomBytes(9).toString("base64url").replace(/[-_]/g, "x")}`;
  const token = randomBytes(24).toString("base64url");
  const lab: LiveLab = {
    info: {
      id,
      profile,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      expiresAt: lease.expiresAt.toISOString(),
    },
    token,
    lease,
    user,
    admin,
    panes: new Map(VARIANT_IDS.map((v) => [v, device(v, profile)])),
    admins: new Map(),
    settings: device("stateful", profile),
    lastSeen: Date.now(),
    log: [],
    inFlight: null,
    busy: Promise.resolve(),
  };
  try {
    await Promise.all([...lab.panes.values()].map((d) => d.signIn(user.email, user.password)));
    await lab.settings.signIn(user.email, user.password);
  } catch (error) {
    await releaseLease(lease.id, lease.token).catch(() => null);
    throw error;
  }
  labs.set(id, lab);
  return { ok: true, lab: lab.info, token };
}

/** The lab, if `token` is its own (constant-time compare), touching its idle timer. */
function open(id: string, token: string): LiveLab | null {
  const lab = labs.get(id);
  if (!lab) return null;
  const a = Buffer.from(token);
  const b = Buffer.from(lab.token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  lab.lastSeen = Date.now();
  return lab;
}

async function checkPane(variant: VariantId, d: Device): Promise<LivePane> {
  const answer = await d.request("GET", "/me");
  const body = answer.body ?? {};
  const user = body.user as { name?: unknown; role?: unknown } | undefined;
  const session = body.session as { expiresAt?: unknown; credentialBytes?: unknown } | undefined;
  const db = body.database as { name?: unknown; role?: unknown; disabled?: unknown } | null | undefined;
  const accepted = answer.status === 200;
  return {
    variant,
    accepted,
    status: answer.status,
    code: typeof body.code === "string" ? body.code : null,
    session:
      accepted && typeof user?.name === "string" && isRole(user.role)
        ? {
            name: user.name,
            role: user.role,
            expiresAt: typeof session?.expiresAt === "string" ? session.expiresAt : null,
            credentialBytes: typeof session?.credentialBytes === "number" ? session.credentialBytes : null,
          }
        : null,
    database:
      db && typeof db.name === "string" && isRole(db.role) ? { name: db.name, role: db.role, disabled: db.disabled === true } : null,
    check: answer.session ? { ms: answer.session.durationMs, lookups: answer.session.db.count + answer.session.redis.count } : null,
    refreshed: answer.refreshed,
    checkedAt: new Date().toISOString(),
  };
}

/** Every pane checked now (concurrent polls of one lab share one round). */
export async function snapshot(id: string, token: string): Promise<LiveSnapshot | null> {
  const lab = open(id, token);
  if (!lab) return null;
  lab.inFlight ??= Promise.all([...lab.panes].map(([v, d]) => checkPane(v, d))).finally(() => {
    lab.inFlight = null;
  });
  const panes = await lab.inFlight;
  // Keep the accounts while the lab is watched.
  const expiresAt = new Date(Date.now() + LEASE_SECONDS * 1000);
  if (await extendLease(lab.lease.id, expiresAt)) lab.info.expiresAt = expiresAt.toISOString();
  return { lab: lab.info, panes, log: lab.log };
}

async function adminDevice(lab: LiveLab, variant: VariantId): Promise<Device> {
  let d = lab.admins.get(variant);
  if (!d) {
    d = device(variant, lab.info.profile);
    await d.signIn(lab.admin.email, lab.admin.password);
    lab.admins.set(variant, d);
  }
  return d;
}

async function call(d: Device, method: string, path: string, body?: unknown): Promise<LiveActionResult["requests"][number]> {
  const answer = await d.request(method, path, body);
  const b = answer.body ?? {};
  const note = typeof b.note === "string" ? b.note : typeof b.error === "string" ? b.error : null;
  return { request: `${method} /api/${d.variant}${path}`, status: answer.status, note };
}

export async function act(id: string, token: string, action: LiveAction, name?: string): Promise<LiveActionResult | null> {
  const lab = open(id, token);
  if (!lab) return null;
  // One action at a time per lab: a second click waits for the first.
  const run = lab.busy.then(async () => {
    const uid = lab.user.id;
    const requests: LiveActionResult["requests"] = [];
    const admin = () => adminDevice(lab, "stateful");
    switch (action) {
      case "demote":
      case "promote":
        requests.push(await call(await admin(), "POST", `/admin/users/${uid}/role`, { role: action === "promote" ? "admin" : "member" }));
        break;
      case "disable":
      case "enable":
        requests.push(await call(await admin(), "POST", `/admin/users/${uid}/disable`, { disabled: action === "disable" }));
        break;
      case "revoke":
        // Through every variant: each ends what it can, or answers \`unsupported\` with the catalog's reason.
        for (const v of VARIANT_IDS) requests.push(await call(await adminDevice(lab, v), "POST", `/admin/users/${uid}/revoke`));
        break;
      case "rename":
        requests.push(await call(lab.settings, "PATCH", "/profile", { name: name ?? `Renamed ${randomBytes(2).toString("hex")}` }));
        break;
      case "sign-in-again":
        for (const [v, d] of lab.panes) {
          const answer = await d.send("POST", "/login", { email: lab.user.email, password: lab.user.password });
          requests.push({
            request: `POST /api/${v}/login`,
            status: answer.status,
            note: typeof answer.body?.error === "string" ? answer.body.error : null,
          });
        }
        break;
    }
    const result: LiveActionResult = { action, at: new Date().toISOString(), requests };
    lab.log = [result, ...lab.log].slice(0, LOG_LENGTH);
    return result;
  });
  lab.busy = run.catch(() => null);
  return run;
}

/** Ends a lab and deletes its accounts; false when there is no such lab or the token is not its own. */
export async function closeLab(id: string, token: string): Promise<boolean> {
  const lab = open(id, token);
  if (!lab) return false;
  labs.delete(id);
  await releaseLease(lab.lease.id, lab.lease.token);
  return true;
}
