import { MATRIX_PROFILE_HEADER, MATRIX_PROFILE_VALUE } from "@/lib/catalog/lifetimes";
import { parseServerTiming, type PhaseTiming } from "@/lib/catalog/server-timing";
import { VARIANTS, type VariantId } from "@/lib/catalog/variants";

// One simulated client of the app: a cookie jar and, for the bearer
// variants, the token client JavaScript would hold. It talks plain HTTP
// (fetch), so the same code runs in the server (page runs, over loopback) and
// in the CLI. By default every request carries the matrix profile header, so
// every credential a run touches has the short lab lifetimes.
//
// Cookies are kept with their Path (jwt-refresh's refresh cookie goes to the
// refresh endpoint only, as a browser would send it) and replaced or deleted
// by Set-Cookie, as a browser's jar does, unless the device is `frozen`: a
// frozen copy keeps replaying the exact bytes it was given.

/** Where requests go: a base URL and extra headers (e.g. one that makes a load balancer pick an instance). */
export interface Target {
  baseUrl: string;
  headers?: Record<string, string>;
  /** Origin header for requests (what a same-origin browser page would send). Defaults to the base URL's origin. */
  origin?: string;
}

export interface Timed {
  phase: "session" | "refresh";
  timing: PhaseTiming;
  /** The credential was accepted (status other than 401). */
  valid: boolean;
}

export interface Answer {
  status: number;
  body: Record<string, unknown> | null;
  /** performance.now() when the request left and when its answer (body included) arrived. */
  sentAt: number;
  receivedAt: number;
  session: PhaseTiming | null;
  refresh: PhaseTiming | null;
  /** The device renewed its access token (and retried) to get this answer. */
  refreshed: boolean;
  /** Set-Cookie attributes seen (names and flags, never values). */
  setCookies: CookieFacts[];
  /** A redirect's Location (the cross-domain handoff's hops are redirects). */
  location?: string | null;
}

export interface CookieFacts {
  name: string;
  httpOnly: boolean;
  sameSite: string | null;
  domain: string | null;
  path: string | null;
  secure: boolean;
}

interface StoredCookie {
  value: string;
  path: string;
  httpOnly: boolean;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface DeviceOptions {
  target: Target;
  variant: VariantId;
  /** Called with every Server-Timing this device receives (the run's cost figures). */
  onTiming?: (t: Timed) => void;
  signal?: AbortSignal;
  fetch?: FetchLike;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  /** Send X-Session-Lab-Profile: matrix (default). Off: the server's own lifetimes (the live split-screen can use those). */
  matrixProfile?: boolean;
}

const USER_AGENT = "session-lab-compare/1";

/** Set-Cookie lines of a response (Node's fetch exposes them separately; browsers never do). */
function setCookieLines(res: Response): string[] {
  const headers = res.headers as Headers & { getSetCookie?: () => string[] };
  if (typeof headers.getSetCookie === "function") return headers.getSetCookie();
  const joined = res.headers.get("set-cookie");
  return joined ? [joined] : [];
}

export function parseSetCookie(line: string): { name: string; value: string; deleted: boolean; facts: CookieFacts } | null {
  const [pair, ...attrs] = line.split(";");
  const eq = pair?.indexOf("=") ?? -1;
  if (!pair || eq <= 0) return null;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  const facts: CookieFacts = { name, httpOnly: false, sameSite: null, domain: null, path: null, secure: false };
  let deleted = value === "";
  for (const attr of attrs) {
    const [k = "", ...rest] = attr.split("=");
    const key = k.trim().toLowerCase();
    const v = rest.join("=").trim();
    if (key === "httponly") facts.httpOnly = true;
    else if (key === "secure") facts.secure = true;
    else if (key === "samesite") facts.sameSite = v;
    else if (key === "domain") facts.domain = v;
    else if (key === "path") facts.path = v;
    else if (key === "max-age" && Number(v) <= 0) deleted = true;
    else if (key === "expires" && Date.parse(v) <= Date.now()) deleted = true;
  }
  return { name, value, deleted, facts };
}

export class Device {
  readonly variant: VariantId;
  private readonly target: Target;
  private readonly opts: DeviceOptions;
  private cookies = new Map<string, StoredCookie>();
  private token: string | null = null;
  /** Renews the access token on a 401, like the browser client (jwt-refresh devices holding the refresh cookie). */
  canRefresh: boolean;
  /** Never take Set-Cookie updates: replay the exact credential as it was copied. */
  frozen = false;

  constructor(opts: DeviceOptions) {
    this.opts = opts;
    this.target = opts.target;
    this.variant = opts.variant;
    this.canRefresh = VARIANTS[opts.variant].capabilities.refresh === true;
  }

  get bearer(): string | null {
    return this.token;
  }

  /** Whether the device holds anything a server could accept. */
  get holdsCredential(): boolean {
    return this.token !== null || this.cookies.size > 0;
  }

  /**
   * A copy of this device's credential, as someone who copied it would hold it:
   * - "full": everything the client holds (cookies and token): a copied cookie jar;
   * - "script": what page JavaScript can read (the catalog's `pageScriptReads`): the bearer token, never an HttpOnly cookie.
   */
  copy(kind: "full" | "script", options: { frozen?: boolean } = {}): Device {
    const twin = new Device(this.opts);
    twin.frozen = options.frozen ?? false;
    if (kind === "full") {
      twin.cookies = new Map(this.cookies);
      twin.token = this.token;
      twin.canRefresh = this.canRefresh && !twin.frozen;
    } else {
      // document.cookie shows only cookies without HttpOnly (as this run's Set-Cookie said);
      // the token is script-readable where the catalog says the client keeps it (localStorage).
      twin.cookies = new Map([...this.cookies].filter(([, c]) => !c.httpOnly));
      twin.token = VARIANTS[this.variant].pageScriptReads !== null ? this.token : null;
      twin.canRefresh = false;
    }
    return twin;
  }

  /**
   * A copy of everything this client holds, sent to another target of the same site (another
   * instance behind the same front, addressed by a routing header): what a copied cookie jar does there.
   */
  copyTo(target: Target): Device {
    const twin = new Device({ ...this.opts, target });
    twin.cookies = new Map(this.cookies);
    twin.token = this.token;
    twin.canRefresh = this.canRefresh;
    return twin;
  }

  /**
   * The bearer token alone, presented to another origin: what the naive cross-domain flow does (its
   * shared JWT travels to the partner origin in a URL fragment). Cookies never cross sites.
   */
  carryTo(target: Target): Device {
    const twin = new Device({ ...this.opts, target });
    twin.token = this.token;
    twin.canRefresh = false;
    return twin;
  }

  /** Forgets the bearer token, keeping cookies: what a browser attaches to a request by itself. */
  dropBearer(): void {
    this.token = null;
  }

  /** The refresh cookie's value (the one scoped to a refresh endpoint), for comparing two tabs' successors. */
  refreshCookie(): string | null {
    for (const c of this.cookies.values()) if (c.path.endsWith("/refresh")) return c.value;
    return null;
  }

  /** Drops what this client holds (a closed tab, a cleared jar). */
  forget(): void {
    this.cookies.clear();
    this.token = null;
  }

  private cookieHeader(path: string): string | null {
    const pairs: string[] = [];
    for (const [name, c] of this.cookies)
      if (path === c.path || path.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`)) pairs.push(`${name}=${c.value}`);
    return pairs.length > 0 ? pairs.join("; ") : null;
  }

  private absorb(res: Response, path: string): CookieFacts[] {
    const facts: CookieFacts[] = [];
    for (const line of setCookieLines(res)) {
      const parsed = parseSetCookie(line);
      if (!parsed) continue;
      facts.push(parsed.facts);
      if (this.frozen) continue;
      if (parsed.deleted) this.cookies.delete(parsed.name);
      else
        this.cookies.set(parsed.name, {
          value: parsed.value,
          path: parsed.facts.path ?? defaultPath(path),
          httpOnly: parsed.facts.httpOnly,
        });
    }
    return facts;
  }

  /** A raw request to /api/{variant}{path}, with this device's credential. */
  send(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Answer> {
    return this.sendPath(method, `/api/${this.variant}${path}`, body, extraHeaders);
  }

  /** A raw request to any path of the target (routes outside /api/{variant}, e.g. the cross-domain handoff's). */
  async sendPath(method: string, fullPath: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Answer> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      "User-Agent": USER_AGENT,
      ...(this.opts.matrixProfile === false ? {} : { [MATRIX_PROFILE_HEADER]: MATRIX_PROFILE_VALUE }),
      Origin: this.target.origin ?? new URL(this.target.baseUrl).origin,
      ...this.target.headers,
      ...extraHeaders,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const cookie = this.cookieHeader(fullPath);
    if (cookie) headers.Cookie = cookie;
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const fetchImpl: FetchLike = this.opts.fetch ?? ((url, init) => fetch(url, init));
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 15_000);
    const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout;
    const sentAt = performance.now();
    let res: Response;
    let parsed: Record<string, unknown> | null = null;
    try {
      res = await fetchImpl(`${this.target.baseUrl}${fullPath}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "manual",
        signal,
        cache: "no-store",
      });
      const text = await res.text();
      try {
        const value: unknown = text ? JSON.parse(text) : null;
        parsed = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
      } catch {
        parsed = null;
      }
    } catch (error) {
      if (this.opts.signal?.aborted) throw error;
      return {
        status: 0,
        body: { error: error instanceof Error ? error.message : String(error) },
        sentAt,
        receivedAt: performance.now(),
        session: null,
        refresh: null,
        refreshed: false,
        setCookies: [],
      };
    }
    const receivedAt = performance.now();
    const setCookies = this.absorb(res, fullPath);
    if (!this.frozen && typeof parsed?.token === "string") this.token = parsed.token;
    const timingHeader = res.headers.get("server-timing");
    const session = parseServerTiming(timingHeader, "session");
    const refresh = parseServerTiming(timingHeader, "refresh");
    if (session) this.opts.onTiming?.({ phase: "session", timing: session, valid: res.status !== 401 });
    if (refresh) this.opts.onTiming?.({ phase: "refresh", timing: refresh, valid: res.status === 200 });
    return {
      status: res.status,
      body: parsed,
      sentAt,
      receivedAt,
      session,
      refresh,
      refreshed: false,
      setCookies,
      location: res.headers.get("location"),
    };
  }

  /** A request as the app's client makes it: a jwt-refresh device renews its access token once on a 401 and retries. */
  async request(method: string, path: string, body?: unknown): Promise<Answer> {
    const first = await this.send(method, path, body);
    if (first.status !== 401 || !this.canRefresh) return first;
    const renewed = await this.send("POST", "/refresh");
    if (renewed.status !== 200) return { ...first, receivedAt: renewed.receivedAt, refresh: renewed.refresh };
    const second = await this.send(method, path, body);
    return { ...second, sentAt: first.sentAt, refresh: renewed.refresh, refreshed: true };
  }

  /** Signs in; resolves the answer (the credential is now held) or throws with the server's error. */
  async signIn(email: string, password: string): Promise<Answer> {
    this.forget();
    const answer = await this.send("POST", "/login", { email, password });
    if (answer.status !== 200) {
      const code = typeof answer.body?.code === "string" ? ` (${answer.body.code})` : "";
      throw new Error(`sign-in to ${this.variant} answered ${answer.status}${code}`);
    }
    return answer;
  }
}

function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf("/");
  return slash <= 0 ? "/" : requestPath.slice(0, slash);
}
