import { z } from "zod";

// zod, configured once for every module that may run in the browser. zod 4
// probes `new Function("")` to pick a compiled fast path; under the pages'
// Content-Security-Policy (no 'unsafe-eval', proxy.ts) that probe is a CSP
// violation, so in the browser zod runs without it (jitless). The server keeps the fast path.
if (typeof window !== "undefined") z.config({ jitless: true });

export { z };
