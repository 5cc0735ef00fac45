import { describe, expect, it } from "vitest";
import { hashPassword, MAX_CONCURRENT_HASHES, passwordHashLoad, verifyPassword } from "@/lib/server/passwords";

describe("password hashing (scrypt)", () => {
  it("verifies the right password only, with a per-hash salt", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterx", a)).toBe(false);
  });

  it("rejects malformed stored hashes instead of throwing", async () => {
    for (const stored of ["", "plain", "scrypt$x$8$1$salt$key", "bcrypt$1$2$3$4$5"]) {
      expect(await verifyPassword("pw", stored)).toBe(false);
    }
  });

  it(`runs at most ${MAX_CONCURRENT_HASHES} hashes at once; the others wait their turn and all finish`, async () => {
    const peaks = { running: 0, waiting: 0 };
    const sample = setInterval(() => {
      const load = passwordHashLoad();
      peaks.running = Math.max(peaks.running, load.running);
      peaks.waiting = Math.max(peaks.waiting, load.waiting);
    }, 1);
    const burst = Array.from({ length: 6 }, (_, i) => hashPassword(`burst password ${i}`, { N: 2 ** 12, r: 8, p: 1 }));
    expect(passwordHashLoad()).toEqual({ running: MAX_CONCURRENT_HASHES, waiting: 6 - MAX_CONCURRENT_HASHES });
    const hashes = await Promise.all(burst);
    clearInterval(sample);
    expect(peaks.running).toBe(MAX_CONCURRENT_HASHES);
    expect(new Set(hashes).size).toBe(6);
    expect(await verifyPassword("burst password 5", hashes[5]!)).toBe(true);
    expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 });
  });

  it("frees its slot when a hash fails", async () => {
    // N must be a power of two: scrypt refuses, and the next hash still runs.
    await expect(hashPassword("x", { N: 3, r: 8, p: 1 })).rejects.toThrow();
    expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 });
    expect(await hashPassword("y", { N: 2 ** 10, r: 8, p: 1 })).toMatch(/^scrypt\$1024\$/);
  });
});
