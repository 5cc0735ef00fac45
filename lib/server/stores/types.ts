import type { Role } from "@/lib/strategies";

// The server-side state the mitigations bring back. Each store is an
// interface with a database implementation (./database.ts, the embedded
// default); a Redis implementation can replace one without touching the
// strategies. Implementations must be safe under concurrent requests from
// several processes, as noted per method.

/** jwt-denylist: revoked tokens, keyed by issuer and jti (never by the token's bytes). */
export interface DenylistStore {
  /** Deny a token until `expiresAt` (its exp plus the verifier's clock tolerance). Idempotent. */
  add(issuer: string, jti: string, expiresAt: Date): Promise<void>;
  /** The per-request check. Entries past their expiresAt may still answer true (harmless: the token is expired too). */
  has(issuer: string, jti: string): Promise<boolean>;
  /** Remove entries whose token can no longer be accepted; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

/** Reads (and the "revoke all" bump) of User.sessionVersion. */
export interface SessionVersionStore {
  /** The user's current version; null when the user does not exist or is disabled. */
  get(userId: string): Promise<number | null>;
  /** Current name, role and version in one read; null when the user does not exist or is disabled. */
  getWithClaims(userId: string): Promise<{ name: string; role: Role; sessionVersion: number } | null>;
  /**
   * "Revoke all": increment atomically, returning the new version (null: no
   * such user). Password changes and disabling bump it in the data layer, in
   * the same write as the change; a cache in front of this store must be
   * invalidated by those too.
   */
  bump(userId: string): Promise<number | null>;
}

/** One refresh-token family: one sign-in on one device (jwt-refresh). */
export interface RefreshFamily {
  /** Public id (the access tokens' `sid`, the devices page); never a credential. */
  id: string;
  userId: string;
  /** Generation of the live refresh token; every older one is spent. */
  generation: number;
  /** SHA-256 (hex) of the live refresh token. */
  tokenHash: string;
  /** When the live generation was issued: the grace window for its predecessor starts here. */
  rotatedAt: Date;
  /** User.sessionVersion the family belongs to. */
  sessionVersion: number;
  /** Lifetimes of the profile the family started under, seconds: a refresh never lengthens them. */
  accessSeconds: number;
  idleSeconds: number;
  graceSeconds: number;
  createdAt: Date;
  lastUsedAt: Date;
  /** Idle expiry of the live token (never past absoluteExpiresAt). */
  expiresAt: Date;
  absoluteExpiresAt: Date;
  userAgent: string | null;
}

export interface RefreshFamilyStore {
  /** Store a new family; then the user's oldest families beyond `maxPerUser` are removed. */
  create(family: RefreshFamily, maxPerUser: number): Promise<void>;
  get(id: string): Promise<RefreshFamily | null>;
  /**
   * Rotate: atomically move the family from `fromGeneration` to the next
   * generation. Resolves false when it is no longer at `fromGeneration`
   * (another request rotated first) or is gone. Of two concurrent calls for
   * the same generation, exactly one may succeed: this is what makes a refresh token single use.
   */
  advance(id: string, fromGeneration: number, next: { tokenHash: string; rotatedAt: Date; expiresAt: Date }): Promise<boolean>;
  /** End one family; with `userId`, only if it is that user's. Resolves whether one ended. */
  delete(id: string, userId?: string): Promise<boolean>;
  /**
   * End every family of the user, except `keep` (whose session version is
   * then set to `keep.sessionVersion`, so the device that asked survives a
   * version bump). Resolves how many ended.
   */
  deleteForUser(userId: string, keep?: { id: string; sessionVersion: number } | null): Promise<number>;
  /** The user's families that have not expired, most recently used first. */
  listForUser(userId: string, now: Date): Promise<RefreshFamily[]>;
  /** Remove expired families; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

export interface Stores {
  denylist: DenylistStore;
  sessionVersions: SessionVersionStore;
  refreshFamilies: RefreshFamilyStore;
}
