import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installRawRequestGuard, rawRequestRefusal } from "@/lib/server/http/raw-request-guard";

// What Next.js answers with a bare 500 before any route runs (a TRACE request,
// a path with malformed percent-encoding) is answered by the HTTP server
// itself with the app's JSON errors. Against a real http.Server.

let server: http.Server;
let port = 0;
let reached: string[] = [];

/** One raw request line (so the path is sent exactly as written), the answer's status line, headers and body. */
function send(method: string, path: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () =>
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("error", reject);
    socket.on("end", () => {
      const [head = "", body = ""] = data.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), headers: head.toLowerCase(), body });
    });
  });
}

beforeAll(async () => {
  installRawRequestGuard();
  installRawRequestGuard(); // idempotent
  server = http.createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the raw request guard", () => {
  it("answers malformed percent-encoding in the path with 400 bad_request JSON, never reaching the app", async () => {
    reached = [];
    for (const path of ["/api/%/check", "/api/%zz/sessions", "/api/stateful/check%", "/api/%E0%A4%A/x"]) {
      const res = await send("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.headers).toContain("content-type: application/json");
      expect(JSON.parse(res.body)).toEqual({ error: "Malformed percent-encoding in the request path.", code: "bad_request" });
    }
    expect(reached).toEqual([]);
  });

  it("answers TRACE with 405 method_not_allowed JSON and an Allow header", async () => {
    const res = await send("TRACE", "/api/stateful/check");
    expect(res.status).toBe(405);
    expect(res.headers).toContain("allow: get, head, post, put, patch, delete, options");
    expect(JSON.parse(res.body)).toMatchObject({ code: "method_not_allowed" });
  });

  it("lets every well-formed request through untouched, encoded or not, whatever its query", async () => {
    reached = [];
    for (const path of ["/api/stateful/check", "/api/%73tateful/check", "/a%2Fb", "/api/x?callbackUrl=%&q=%zz"]) {
      const res = await send("GET", path);
      expect(res.status, path).toBe(200);
    }
    expect((await send("OPTIONS", "/api/stateful/check")).status).toBe(200);
    expect(reached).toHaveLength(5);
  });

  it("decides from the request line alone", () => {
    expect(rawRequestRefusal("GET", "/ok")).toBeNull();
    expect(rawRequestRefusal(undefined, "/ok")?.code).toBe("method_not_allowed");
    expect(rawRequestRefusal("CONNECT", "/ok")?.status).toBe(405);
    expect(rawRequestRefusal("GET", "/%")?.status).toBe(400);
  });
});
