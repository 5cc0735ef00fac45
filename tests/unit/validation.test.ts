import { describe, expect, it } from "vitest";
import { loginBody, noteBody, passwordBody, profileBody } from "@/lib/validation";

describe("request bodies", () => {
  it("refuse NUL characters, which PostgreSQL cannot store", () => {
    expect(loginBody.safeParse({ email: "a\u0000@example.com", password: "x" }).success).toBe(false);
    expect(noteBody.safeParse({ title: "t", body: "a\u0000b" }).success).toBe(false);
    expect(profileBody.safeParse({ name: "\u0000" }).success).toBe(false);
    expect(passwordBody.safeParse({ currentPassword: "x", newPassword: "long-enough-\u0000-password" }).success).toBe(false);
  });

  it("trim and bound strings, and accept ordinary input", () => {
    expect(profileBody.parse({ name: "  Ada  " })).toEqual({ name: "Ada" });
    expect(profileBody.safeParse({ name: "   " }).success).toBe(false);
    expect(profileBody.safeParse({ name: "x".repeat(81) }).success).toBe(false);
    expect(noteBody.parse({ title: "Groceries" })).toEqual({ title: "Groceries", body: "" });
    expect(loginBody.safeParse({ email: "alice@example.com", password: "ünïcødé ✓" }).success).toBe(true);
  });
});

describe("display names", () => {
  it("refuses control, bidirectional-override and separator characters", () => {
    for (const name of [
      "Eve\u202Enimda",
      "Mallory\u2066x\u2069",
      "Bell\u0007",
      "Line\nbreak",
      "Tab\tbed",
      "C1\u0085",
      "Mark\u200F",
      "Se\u2028p",
      "Bo\uFEFFm",
      "Arabic\u061Cmark",
      "Del\u007F",
    ]) {
      expect(profileBody.safeParse({ name }).success, JSON.stringify(name)).toBe(false);
    }
  });

  it("accepts names in any script, emoji sequences with joiners included", () => {
    for (const name of ["Zoë Ångström", "محمد", "李小龙", "👩‍💻 Dev", "می‌خواهم"]) {
      expect(profileBody.safeParse({ name }).success, name).toBe(true);
    }
  });
});
