import { describe, expect, it } from "vitest";
import { describeUserAgent } from "@/lib/user-agent";

describe("devices page: user agents people can read", () => {
  it.each([
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows"],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Microsoft Edge on macOS",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
      "Safari on iOS",
    ],
  ])("%s → %s", (ua, expected) => {
    expect(describeUserAgent(ua)).toBe(expected);
  });

  it.each([
    ["curl/8.5.0", "curl 8.5.0 (not a browser)"],
    ["node", "node (not a browser)"],
    ["Playwright/1.65.1 (x64; debian 12) node/20.20", "Playwright 1.65.1 (not a browser)"],
    ["python-requests/2.31.0", "python-requests 2.31.0 (not a browser)"],
  ])("names a non-browser client by its product: %s", (ua, expected) => {
    expect(describeUserAgent(ua)).toBe(expected);
  });

  it.each([
    [null, "Unknown device"],
    ["", "Unknown device"],
    ["   ", "Unknown device"],
    ["<script>alert(1)</script>", "Unknown client"],
    ["\u0000\u0001", "Unknown client"],
  ])("survives a missing or hostile header: %j", (ua, expected) => {
    expect(describeUserAgent(ua)).toBe(expected);
  });

  it("keeps a long product token short (the raw string is on hover)", () => {
    const label = describeUserAgent(`${"x".repeat(500)}/1.0`);
    expect(label.length).toBeLessThanOrEqual(60);
    expect(label).toMatch(/\(not a browser\)$/);
  });
});
