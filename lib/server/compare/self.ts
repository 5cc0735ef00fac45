import type { Target } from "@/lib/compare/client";
import { loadEnv } from "@/lib/server/env";

/**
 * How this server reaches itself for page runs and live labs: loopback on the
 * port it listens on (Next.js sets PORT), or COMPARE_SELF_URL. The Origin its
 * requests carry is the one the server considers its own: APP_ORIGIN when
 * set, else the loopback origin itself (the Host header it will see).
 */
export function selfTarget(): Target {
  const env = loadEnv();
  const baseUrl = env.COMPARE_SELF_URL ?? `http://127.0.0.1:${process.env.PORT ?? "3000"}`;
  return { baseUrl, origin: env.APP_ORIGIN ?? new URL(baseUrl).origin };
}
