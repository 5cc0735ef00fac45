import { describe, expect, it } from "vitest";
import { safeNext } from "@/components/features/LoginForm";

describe("post-sign-in redirect", () => {
  it("follows paths of the same strategy", () => {
    expect(safeNext("jwt", "/jwt/notes")).toBe("/jwt/notes");
    expect(safeNext("jwt", "/jwt/notes?x=1")).toBe("/jwt/notes?x=1");
    expect(safeNext("jwt", null)).toBe("/jwt");
  });

  it.each([
    "https://evil.test",
    "//evil.test",
    "/\\evil.test",
    "https://localhost@evil.test",
    "javascript:alert(1)",
    "/jwt/..//evil.test/x",
    "/jwt/../stateful",
    "/jwtx",
    "/cookie/notes",
  ])("refuses %s", (next) => {
    expect(safeNext("jwt", next)).toBe("/jwt");
  });
});
