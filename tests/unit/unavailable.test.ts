import { describe, expect, it } from "vitest";
import { isDatabaseUnreachable, isUnavailableError, UnavailableError, unavailableReason } from "@/lib/server/unavailable";

describe("outage classification (503 unavailable)", () => {
  it("recognises the database being unreachable however the error is wrapped", () => {
    const adapter = Object.assign(new Error("ConnectionClosed"), { name: "DriverAdapterError" });
    const prisma = Object.assign(new Error("Raw query failed. Code: `N/A`. Message: `Server has closed the connection.`"), {
      code: "P2010",
      meta: { driverAdapterError: adapter },
    });
    expect(isDatabaseUnreachable(prisma)).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error("x"), { meta: { driverAdapterError: adapter } }))).toBe(true);
    expect(isDatabaseUnreachable(new Error("wrapped", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }))).toBe(
      true,
    );
    expect(isDatabaseUnreachable(Object.assign(new Error("pool"), { code: "P2024" }))).toBe(true);
    expect(isDatabaseUnreachable(new Error("timeout exceeded when trying to connect"))).toBe(true);
  });

  it("does not call a bug or a constraint an outage", () => {
    expect(isDatabaseUnreachable(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnreachable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnreachable(null)).toBe(false);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(isDatabaseUnreachable(loop)).toBe(false);
    expect(unavailableReason(new Error("bug"))).toBeNull();
  });

  it("recognises an UnavailableError from another copy of the module (Next.js bundles it per chunk)", () => {
    const own = new UnavailableError("redis", "Redis is down.");
    expect(isUnavailableError(own)).toBe(true);
    const foreign = Object.assign(new Error("Redis is down."), { [Symbol.for("session-lab.unavailable")]: true });
    expect(isUnavailableError(foreign)).toBe(true);
    expect(unavailableReason(foreign)).toBe("Redis is down.");
    expect(isUnavailableError(new Error("x"))).toBe(false);
  });
});
