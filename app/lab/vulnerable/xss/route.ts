import type { NextRequest } from "next/server";
import { loadEnv } from "@/lib/server/env";

// DELIBERATELY VULNERABLE, for the attack lab (docs/security.md): this page writes its `q` parameter into
// the HTML unescaped, so any script in it runs with this app's origin. That is the point: it shows what an
// XSS on the app's origin can read and use under each strategy (e2e/security/xss.spec.ts, /lab/attacks).
//
// It is contained: a route handler of its own (no layout, no shared component, no React escaping to turn
// off elsewhere), served only while SESSION_LAB_VULNERABLE_PAGES is on (default: demo and development only),
// 404 otherwise. It reads and sets no cookie; real routes are unchanged whether it exists or not.

export const dynamic = "force-dynamic";

const MAX_PAYLOAD = 4096;

export async function GET(req: NextRequest): Promise<Response> {
  if (!loadEnv().vulnerablePagesEnabled) {
    return new Response("Not found", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const q = (req.nextUrl.searchParams.get("q") ?? "").slice(0, MAX_PAYLOAD);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<title>DELIBERATELY VULNERABLE — Session Lab attack lab</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#fff7f7;color:#222}
.banner{background:#b00020;color:#fff;padding:1rem 1.5rem;font-weight:700}
main{padding:1rem 1.5rem;max-width:60rem}
.echo{border:2px dashed #b00020;padding:1rem;background:#fff;min-height:2rem}
</style>
</head>
<body>
<div class="banner" role="alert" data-testid="vulnerable-banner">⚠ Deliberately vulnerable page (attack lab). Never enable in production for real users.</div>
<main>
<p>This page reflects its <code>q</code> parameter without escaping, so a script in it runs as this app's origin.
It exists to show what such a script can read and take away under each session strategy.
See <a href="/lab/attacks">the attack lab</a> and docs/security.md.</p>
<h2>Your search</h2>
<div class="echo" data-testid="reflected">${q}</div>
</main>
</body>
</html>`;
  return new Response(html, {
    status: 200,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Robots-Tag": "noindex, nofollow",
      // Say what it is to anyone looking at the headers.
      "X-Session-Lab-Vulnerable": "deliberately-vulnerable-lab-page",
    },
  });
}
