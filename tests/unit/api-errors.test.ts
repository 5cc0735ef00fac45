import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERROR_STATUS, isErrorCode } from "@/lib/api-errors";
import { ApiError, errorResponse } from "@/lib/server/http/route";

describe("API error codes", () => {
  it("docs/api.md documents exactly the codes of lib/api-errors.ts, with their statuses", () => {
    const section = readFileSync("docs/api.md", "utf8").split("\n## Error codes\n")[1]!.split("\n## ")[0]!;
    const rows = section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    const documented = Object.fromEntries(rows.map(([, code, status]) => [code!.replaceAll("`", ""), Number(status)]));
    expect(documented).toEqual(ERROR_STATUS);
    expect(Object.keys(documented)).toEqual([...ERROR_CODES]);
  });

  it("are distinct, snake_case, and each has an error status", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    }
    expect(isErrorCode("csrf")).toBe(true);
    expect(isErrorCode("CSRF")).toBe(false);
    expect(isErrorCode(403)).toBe(false);
  });

  it("set the status of an ApiError and the body of an error response", async () => {
    const error = new ApiError("unsupported", "Cannot.", { capability: "listSessions" });
    expect(error.status).toBe(404); // never a 5xx: a variant lacking a capability is no server failure
    const res = errorResponse(error.code, error.message, error.extra);
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ error: "Cannot.", code: "unsupported", capability: "listSessions" });
    // Extra fields never overwrite the error or its code.
    expect(await errorResponse("conflict", "No.", { code: "x", error: "y" }).json()).toEqual({ error: "No.", code: "conflict" });
  });
});
