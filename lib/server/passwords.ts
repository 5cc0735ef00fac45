import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// scrypt is memory-hard and ships with Node (no native add-on to build).
// OWASP's Password Storage Cheat Sheet lists five scrypt settings it calls
// equivalent in the defence they provide, from N=2^17, r=8, p=1 (128 MiB per
// hash) to N=2^13, r=8, p=10 (8 MiB). We use N=2^15, r=8, p=3: 32 MiB per hash.
// At 128 MiB, every sign-in in flight held 128 MiB of native memory (four on
// libuv's pool: half a gigabyte), which is what pushed the server's RSS past its
// 300 MB budget in `npm run bench`. The parameters are stored with each hash;
// a hash made with any other setting is rehashed with this one at the next
// successful sign-in (needsRehash, lib/server/auth/credentials.ts).
export const PASSWORD_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };
const PARAMS = PASSWORD_SCRYPT;

/**
 * At most this many hashes run at once; the others wait their turn. scrypt
 * runs on libuv's pool (4 threads), which jose's and iron's WebCrypto calls and
 * file reads share: a burst of sign-ins must never take all of it, nor
 * multiply the memory above.
 */
export const MAX_CONCURRENT_HASHES = 2;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * Cheaper parameters for the throwaway accounts of comparison runs only
 * (lib/server/data/compare.ts). Their passwords are 192 random bits, created
 * and used by the run and deleted with it, so no hash cost could matter for
 * guessing them; a run signs in about a hundred times, which at the full cost
 * would be most of its 30 s on two cores. The parameters are stored in the
 * hash and checked by the same verifyPassword(), and a session check never
 * touches a password hash, so nothing a run measures depends on them. They
 * are leased lab accounts, never upgraded by needsRehash's caller (which skips
 * accounts with a lease), and deleted with their lease.
 */
export const RUN_ACCOUNT_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

let hashesRunning = 0;
const waitingForHash: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashesRunning >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waitingForHash.push(resolve));
  else hashesRunning += 1;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter (the count stays), or is freed.
    const next = waitingForHash.shift();
    if (next) next();
    else hashesRunning -= 1;
  }
}

/** Hashes in flight and waiting (tests). */
export function passwordHashLoad(): { running: number; waiting: number } {
  return { running: hashesRunning, waiting: waitingForHash.length };
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return withHashSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password, salt, keyLength, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

export async function hashPassword(password: string, params: ScryptParams = PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password, salt, KEY_LENGTH, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const N = Number(n);
  const expected = Buffer.from(keyText, "base64url");
  if (!Number.isInteger(N) || expected.length === 0) return false;
  const actual = await scryptAsync(password, Buffer.from(saltText, "base64url"), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** The stored parameters of a hash, or null if it is not one of ours. */
export function hashParams(stored: string): ScryptParams | null {
  const [scheme, n, r, p] = stored.split("$");
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  return scheme === "scrypt" && Object.values(params).every((v) => Number.isInteger(v) && v > 0) ? params : null;
}

/**
 * A hash made with other parameters than PASSWORD_SCRYPT: rehash it once the password is known (at sign-in).
 * Cheaper ones are upgraded; the older 128 MiB setting is moved to the equivalent one that needs a quarter of the memory.
 */
export function needsRehash(stored: string): boolean {
  const params = hashParams(stored);
  return params !== null && (params.N !== PARAMS.N || params.r !== PARAMS.r || params.p !== PARAMS.p);
}

let dummyHash: Promise<string> | null = null;

/** Spend the same time as a real check, so an unknown email is not faster than a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("not-a-real-password");
  await verifyPassword(password, await dummyHash);
}

let commonPasswords: Set<string> | null = null;

/**
 * The ~49,000 most common passwords of public breach corpora, as zxcvbn-ts
 * ships them (@zxcvbn-ts/language-common, pinned): an offline check, loaded on first use.
 */
async function common(): Promise<Set<string>> {
  if (!commonPasswords) {
    const { dictionary } = await import("@zxcvbn-ts/language-common");
    commonPasswords = new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  }
  return commonPasswords;
}

/**
 * Why a new password is refused, or null (ASVS 6.2: no common or breached
 * password, and a change must change it). Case-insensitive, and a common
 * password with digits or symbols appended ("password12345!") is that password.
 */
export async function newPasswordProblem(newPassword: string, currentPassword?: string): Promise<string | null> {
  if (currentPassword !== undefined && newPassword === currentPassword) return "The new password must differ from the current one.";
  const list = await common();
  const lower = newPassword.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, "");
  if (list.has(lower) || (stem.length >= 4 && list.has(stem))) {
    return "This password is on a list of commonly used (breached) passwords; choose another.";
  }
  if (new Set(lower).size < 4) return "This password repeats too few characters; choose another.";
  return null;
}
