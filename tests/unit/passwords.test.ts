import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/server/passwords";

describe("password hashing (scrypt)", () => {
  it("verifies the right password only, with a per-hash salt", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterx", a)).toBe(false);
  });

  it("rejects malformed stored hashes instead of throwing", async () => {
    for (const stored of ["", "plain", "scrypt$x$8$1$salt$key", "bcrypt$1$2$3$4$5"]) {
      expect(await verifyPassword("pw", stored)).toBe(false);
    }
  });
});
