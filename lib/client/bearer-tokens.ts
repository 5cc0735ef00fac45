// Browser side of the bearer variants (jwt, jwt-denylist, jwt-refresh): where
// the token lives and, for jwt-refresh, how tabs renew it without tripping
// refresh-token reuse detection. Kept free of imports so a test can load this
// exact file into a browser page.
//
// The token is in localStorage, shared by every tab of the origin, which is
// exactly what makes it readable by any script on the page (the lab measures
// that). jwt-refresh's refresh token is an HttpOnly cookie the page never sees;
// POST /api/jwt-refresh/refresh rotates it and returns a new access token.
//
// Two tabs whose access token expires together would both refresh with the
// same cookie. Web Locks serialise them per origin: the first tab refreshes,
// the second finds a fresh token in localStorage and uses it. Where Web Locks
// are missing (or two browsers share a cookie jar), the server's grace window
// hands the second request the same successor instead of calling it reuse.

export interface StoredToken {
  token: string;
  expiresAt: string;
}

/** Refresh this long before expiry, so a request never leaves with a token about to die. */
const EARLY_REFRESH_MS = 5_000;

export function tokenStore(variant: string) {
  // The jwt strategy's key predates the variants; keep it so existing sessions survive.
  const key = variant === "jwt" ? "session-lab.jwt" : `session-lab.${variant}`;
  return {
    key,
    get(): StoredToken | null {
      try {
        const raw = window.localStorage.getItem(key);
        const value = raw ? (JSON.parse(raw) as Partial<StoredToken>) : null;
        return value && typeof value.token === "string" && typeof value.expiresAt === "string" ? (value as StoredToken) : null;
      } catch {
        return null;
      }
    },
    set(value: StoredToken) {
      window.localStorage.setItem(key, JSON.stringify({ token: value.token, expiresAt: value.expiresAt }));
    },
    clear() {
      window.localStorage.removeItem(key);
    },
  };
}

export function expiresSoon(stored: StoredToken, now = Date.now()): boolean {
  const at = Date.parse(stored.expiresAt);
  return !Number.isFinite(at) || at - now < EARLY_REFRESH_MS;
}

/**
 * A fresh access token for `variant`, refreshing at most once across all
 * tabs. `stale` is the token the caller found unusable (null: none). Resolves
 * null when the session cannot be renewed (the caller signs in again).
 */
export async function refreshAccessToken(variant: string, stale: string | null): Promise<StoredToken | null> {
  const store = tokenStore(variant);
  const renew = async (): Promise<StoredToken | null> => {
    // Another tab may have refreshed while this one waited for the lock.
    const current = store.get();
    if (current && current.token !== stale && !expiresSoon(current)) return current;
    let res: Response;
    try {
      res = await fetch(`/api/${variant}/refresh`, { method: "POST", headers: { Accept: "application/json" }, credentials: "same-origin" });
    } catch {
      return null; // offline: keep what we have, the next request tries again
    }
    const body = (await res.json().catch(() => null)) as Partial<StoredToken> | null;
    if (!res.ok || typeof body?.token !== "string" || typeof body.expiresAt !== "string") {
      if (res.status === 401) store.clear();
      return null;
    }
    const fresh = { token: body.token, expiresAt: body.expiresAt };
    store.set(fresh);
    return fresh;
  };
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!locks) return renew();
  const name = `session-lab:refresh:${variant}`;
  // Uncontended (the usual case): refresh at once.
  const now = await locks.request(name, { ifAvailable: true }, async (lock) => (lock ? { value: await renew() } : null));
  if (now) return now.value;
  // Another tab holds the lock and is refreshing. Its new token reaches this
  // tab's localStorage a moment after it releases the lock (Chromium copies
  // localStorage between tabs asynchronously), so wait for that before
  // deciding this tab must refresh too.
  return locks.request(name, async () => {
    await tokenReplaced(store.key, stale, CROSS_TAB_WAIT_MS);
    return renew();
  });
}

const CROSS_TAB_WAIT_MS = 1_000;

/** Resolves once the stored token is no longer `stale` (a `storage` event from another tab), or after `ms`. */
function tokenReplaced(key: string, stale: string | null, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      window.removeEventListener("storage", onStorage);
      clearTimeout(timer);
      resolve();
    };
    const onStorage = (event: StorageEvent) => {
      if (event.key === key && event.newValue && !event.newValue.includes(JSON.stringify(stale ?? ""))) done();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener("storage", onStorage);
    const raw = window.localStorage.getItem(key);
    if (raw && stale && !raw.includes(stale)) done();
  });
}
