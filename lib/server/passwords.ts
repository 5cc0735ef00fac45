import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// scrypt is memory-hard and ships with Node (no native add-on to build).
// N=2^15, r=8 costs 32 MiB and ~60 ms here: OWASP's minimum is N=2^17 with
// r=8 or an equivalent; we trade some cost for a demo that signs in quickly on
// 2 cores. The parameters are stored with each hash so they can be raised
// later without breaking existing users.
const PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

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
 * touches a password hash, so nothing a run measures depends on them.
 */
export const RUN_ACCOUNT_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
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

let dummyHash: Promise<string> | null = null;

/** Spend the same time as a real check, so an unknown email is not faster than a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("not-a-real-password");
  await verifyPassword(password, await dummyHash);
}
