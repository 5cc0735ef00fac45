import type { VariantId } from "@/lib/catalog/variants";
import type { Role, Transport } from "@/lib/strategies";
import type { CredentialContext } from "@/lib/server/http/credential-context";

/** The user as the session presents it: from the database (stateful) or from claims (stateless). */
export interface SessionUser {
  id: string;
  name: string;
  role: Role;
}

export interface SessionInfo {
  /** The variant that validated it (one of the four strategies, or a mitigation of one). */
  strategy: VariantId;
  /** Public id of a server-side session (stateful row, refresh family), never the token; `null` where there is none. */
  id: string | null;
  issuedAt: Date;
  expiresAt: Date;
  /** Bytes of credential the browser sends on each request (cookie pairs or the Authorization header). */
  credentialBytes: number;
}

/** The one shape every session read returns. */
export type SessionResult = { session: SessionInfo; user: SessionUser } | { session: null; user: null };

export const NO_SESSION: SessionResult = { session: null, user: null };

export interface Credentials {
  email: string;
  password: string;
}

export type SignInResult =
  | { ok: true; user: SessionUser; expiresAt: Date; /** bearer strategies only */ token?: string }
  | { ok: false; reason: "invalid" | "disabled" };

export interface DeviceSession {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  current: boolean;
}

export type RefreshResult =
  | { ok: true; user: SessionUser; token: string; expiresAt: Date }
  /** `reused`: a spent refresh token came back after its grace window, and its family was ended. */
  | { ok: false; reason: "missing" | "invalid" | "expired" | "revoked" | "reused" };

/** A capability is either implemented or carries the one-line reason it cannot be. */
export type Capability<F> = { supported: true; run: F } | { supported: false; reason: string };

export interface SessionCapabilities {
  listSessions: Capability<(userId: string, currentSessionId: string | null) => Promise<DeviceSession[]>>;
  /** Resolves false when the session does not exist or belongs to someone else. */
  revokeSession: Capability<(userId: string, sessionId: string) => Promise<boolean>>;
  /**
   * Ends every session of the user, optionally keeping one; resolves to how
   * many ended, or null where they cannot be counted (a version bump ends
   * every credential at once; the caller's own is then kept by reissue() with
   * `adoptSessionVersion`).
   */
  revokeAllSessions: Capability<(userId: string, keepSessionId?: string | null) => Promise<number | null>>;
  /** Exchange this request's refresh credential for a new access token (and a rotated refresh credential). */
  refresh: Capability<(ctx: CredentialContext) => Promise<RefreshResult>>;
}

export interface ReissueOptions {
  /**
   * The user's session version was just bumped by this request's own action
   * (a password change): carry the new version, so this device stays signed
   * in while every other one is ended. Only server code can ask for it.
   */
  adoptSessionVersion?: boolean;
}

/**
 * One session mechanism. Route handlers, pages and the comparison tools reach
 * a store only through this interface. Keys, TTLs and the clock are given to
 * the factory of each implementation, so tests and lab profiles can change them.
 */
export interface SessionStrategy {
  readonly id: VariantId;
  readonly transport: Transport;
  /** Verify the credentials and issue a new credential (setting a cookie or returning a token). */
  signIn(credentials: Credentials, ctx: CredentialContext): Promise<SignInResult>;
  /** Read and verify the credential of this request. Never throws on bad input. */
  validate(ctx: CredentialContext): Promise<SessionResult>;
  /** End this request's session (server side where the strategy can) and clear client state. */
  signOut(ctx: CredentialContext): Promise<void>;
  /**
   * Re-issue the current credential with fresh user data read from the
   * database (e.g. after a rename), never extending its lifetime beyond what
   * the strategy's own reads do. Other devices keep what they hold. Returns a
   * new bearer token where the strategy uses one.
   */
  reissue(
    ctx: CredentialContext,
    current: { session: SessionInfo; user: SessionUser },
    options?: ReissueOptions,
  ): Promise<{ token?: string; expiresAt?: Date }>;
  readonly capabilities: SessionCapabilities;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
