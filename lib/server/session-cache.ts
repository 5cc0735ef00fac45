import type { SessionWithUser } from "@/lib/server/data/sessions";

// The stateful-cache variant's in-process cache of session rows (docs/scaling.md):
// bounded (LRU, `maxEntries`), short-lived (`ttlMs`), emptied by revocations
// (lib/server/invalidation.ts, through Redis pub/sub across instances), and
// serving only while `healthy()` says invalidations are known to arrive. When
// it is not, every read goes to the database: a possibly revoked session is
// never served from memory.

export interface SessionCacheOptions {
  maxEntries: number;
  ttlMs: number;
  now: () => number;
  /** Whether invalidations currently reach this process (the subscription is up and its heartbeat heard). */
  healthy: () => boolean;
}

interface Entry {
  row: SessionWithUser;
  cachedAt: number;
}

export interface SessionCacheStats {
  size: number;
  hits: number;
  misses: number;
  bypassed: number;
  evictions: number;
}

export class SessionRowCache {
  private readonly entries = new Map<string, Entry>(); // tokenHash → row; Map order is the LRU order
  private epoch = 0;
  readonly stats: SessionCacheStats = { size: 0, hits: 0, misses: 0, bypassed: 0, evictions: 0 };

  constructor(private readonly opts: SessionCacheOptions) {}

  /** Read before a database read; `store()` refuses the row if any invalidation happened in between. */
  get generation(): number {
    return this.epoch;
  }

  serving(): boolean {
    return this.opts.healthy();
  }

  get(tokenHash: string): SessionWithUser | null {
    if (!this.serving()) {
      this.stats.bypassed += 1;
      if (this.entries.size > 0) this.clear();
      return null;
    }
    const entry = this.entries.get(tokenHash);
    if (!entry || this.opts.now() - entry.cachedAt >= this.opts.ttlMs) {
      if (entry) this.entries.delete(tokenHash);
      this.stats.misses += 1;
      return null;
    }
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, entry);
    this.stats.hits += 1;
    return entry.row;
  }

  /** Caches a row read from the database at `generation`; ignored when something was invalidated since, or while not serving. */
  store(tokenHash: string, row: SessionWithUser, generation: number): void {
    if (generation !== this.epoch || !this.serving()) return;
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { row, cachedAt: this.opts.now() });
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.stats.size = this.entries.size;
  }

  /** Updates a cached row in place (the strategy slid its expiry); keeps its cachedAt. */
  update(tokenHash: string, row: SessionWithUser): void {
    const entry = this.entries.get(tokenHash);
    if (entry) entry.row = row;
  }

  forget(tokenHash: string): void {
    this.epoch += 1;
    this.entries.delete(tokenHash);
  }

  /** Drops the user's rows (or only `sessionIds` of them). */
  evict(userId: string, sessionIds?: readonly string[]): void {
    this.epoch += 1;
    for (const [hash, entry] of this.entries) {
      if (entry.row.user.id !== userId) continue;
      if (sessionIds && !sessionIds.includes(entry.row.id)) continue;
      this.entries.delete(hash);
      this.stats.evictions += 1;
    }
    this.stats.size = this.entries.size;
  }

  clear(): void {
    this.epoch += 1;
    this.stats.evictions += this.entries.size;
    this.entries.clear();
    this.stats.size = 0;
  }
}
