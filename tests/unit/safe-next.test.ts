import { describe, expect, it } from "vitest";
import { loginPath, safeNext } from "@/lib/paths";

describe("post-sign-in redirect", () => {
  it("follows paths of the same strategy", () => {
    expect(safeNext("jwt", "/jwt/notes")).toBe("/jwt/notes");
    expect(safeNext("jwt", "/jwt/notes?x=1")).toBe("/jwt/notes?x=1");
    expect(safeNext("jwt", null)).toBe("/jwt");
  });

  it("returns to the page that loginPath() was given", () => {
    const next = new URL(loginPath("cookie", "/cookie/notes?x=1"), "http://app.invalid").searchParams.get("next");
    expect(safeNext("cookie", next)).toBe("/cookie/notes?x=1");
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
