import { hash } from "node:crypto";

/**
 * A bounded in-process cache of credentials this process already verified,
 * keyed by the SHA-256 of the whole credential (so only an identical,
 * immutable credential hits). The least recently used entry goes first once
 * `maxEntries` is reached. It stores what verification produced; the caller
 * still checks the credential's exp on every hit, so an entry is never used
 * past it.
 */
export function createVerifiedCache<T>(maxEntries: number) {
  const entries = new Map<string, T>();
  return {
    /** The cache key of a credential. */
    keyOf(credential: string): string {
      return hash("sha256", credential, "base64url");
    },
    get(key: string): T | undefined {
      const hit = entries.get(key);
      if (hit !== undefined) {
        // A Map keeps insertion order: re-inserting makes this the most recently used.
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key: string, value: T): void {
      entries.set(key, value);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}
