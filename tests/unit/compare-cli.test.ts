import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `npm run compare` as a team's CI runs it: against a stand-in server whose
// stateful sign-out does NOT end the session at once (a regression the lab
// must catch), the CLI exits 1 and names the contradiction; bad usage exits 2.
// The stand-in implements just enough of the API for one cell.

let server: Server;
let base = "";
const released: string[] = [];
const signedOutAt = new Map<string, number>();

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function body(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = req.url ?? "/";
    const token = /lab-stateful=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (url === "/api/compare") return send(res, 200, { enabled: true, activeRun: null });
    if (url === "/api/compare/leases" && req.method === "POST") {
      const { members, admins } = (await body(req)) as { members: number; admins: number };
      const accounts = [
        ...Array.from({ length: members }, (_, i) => ({
          id: `m${i}`,
          email: `m${i}@x.invalid`,
          password: "p",
          role: "member",
          name: `M${i}`,
        })),
        ...Array.from({ length: admins }, (_, i) => ({
          id: `a${i}`,
          email: `a${i}@x.invalid`,
          password: "p",
          role: "admin",
          name: `A${i}`,
        })),
      ];
      return send(res, 201, { lease: { id: "lease1", token: "t" }, accounts });
    }
    if (url.startsWith("/api/compare/leases/") && req.method === "DELETE") {
      released.push(url);
      return send(res, 200, { ok: true, accountsDeleted: 1 });
    }
    if (url === "/api/stateful/login") {
      const t = `tok${Math.random().toString(36).slice(2)}`;
      return send(res, 200, { user: {}, expiresAt: "" }, { "set-cookie": `lab-stateful=${t}; Path=/; HttpOnly; SameSite=Lax` });
    }
    if (url === "/api/stateful/logout") {
      if (token) signedOutAt.set(token, Date.now());
      return send(res, 200, { ok: true });
    }
    if (url === "/api/stateful/me" || url === "/api/stateful/check") {
      // The regression: a signed-out session keeps working for 1.2 s.
      const out = token ? signedOutAt.get(token) : undefined;
      if (!token || (out !== undefined && Date.now() - out > 1200)) return send(res, 401, { error: "no", code: "not_signed_in" });
      return send(
        res,
        200,
        { user: { name: "M" }, session: { credentialBytes: 50 } },
        { "server-timing": 'session;dur=0.1;desc="x", session-db;dur=0;count=1' },
      );
    }
    return send(res, 404, { error: "no", code: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/compare.ts", ...args], { env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run compare", () => {
  it("exits 1 when an observation contradicts the catalog, and says which", async () => {
    const { code, stdout } = await cli([base, "--variants", "stateful", "--scenarios", "sign-out", "--probes", "none", "--quiet"]);
    expect(stdout).toMatch(/Sign-out\s+✗ 1\.\d s/);
    expect(stdout).toMatch(/stateful · Sign-out: Expected a refusal on the next request/);
    expect(code).toBe(1);
    expect(released).toEqual(["/api/compare/leases/lease1"]); // the accounts go back, contradiction or not
  }, 30_000);

  it("prints the machine form with --json", async () => {
    const { code, stdout } = await cli([
      base,
      "--variants",
      "stateful",
      "--scenarios",
      "sign-out",
      "--probes",
      "none",
      "--quiet",
      "--json",
    ]);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ version: 1, source: "cli", status: "done", counts: { mismatch: 1 } });
    expect(result.cells[0]).toMatchObject({ variant: "stateful", row: "sign-out", verdict: "mismatch", outcome: "other" });
    expect(code).toBe(1);
  }, 30_000);

  it("exits 2 on bad usage, with the reason", async () => {
    for (const args of [["--variants", "paseto"], ["--poll-ms", "0"], ["--nope"], ["ftp://x"], [base, "http://second"]]) {
      const { code, stderr } = await cli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^compare: /);
    }
  }, 60_000);

  it("exits 2 when nothing answers at the URL", async () => {
    const { code, stderr } = await cli(["http://127.0.0.1:9", "--quiet"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot reach/);
  }, 30_000);
});
