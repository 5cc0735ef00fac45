import { randomBytes } from "node:crypto";
import { assignRoles } from "@/lib/compare/accounts";
import { handoffTargets } from "@/lib/compare/cross-domain";
import { accountRoles, DEFAULT_DEADLINE_MS, runMatrix } from "@/lib/compare/engine";
import { handoff } from "@/lib/server/handoff";
import type { RunSettings } from "@/lib/compare/settings";
import type { RunEvent, RunResult } from "@/lib/compare/types";
import { createLease, finishRun, insertRun, releaseLease, type Lease, type LeaseRefusal } from "@/lib/server/data/compare";
import { selfTarget } from "./self";

// Page runs: the server runs the matrix against itself over loopback HTTP
// (lib/compare/engine.ts, the same engine as the CLI) and streams the events
// to the browser that asked, one JSON object per line. The run holds the
// exclusive run lease (its accounts) from before the first byte to the end;
// the browser closing the stream stops the run, and its accounts are deleted
// either way. The result goes to the history table.

/** A run lease outlives the run's own deadline, so only a crashed holder ever leaves one behind. */
export const RUN_LEASE_SECONDS = DEFAULT_DEADLINE_MS / 1000 + 60;

export function newRunId(): string {
  return `run_${randomBytes(9).toString("base64url").replace(/[-_]/g, "x")}`;
}

export type PageRunStart = { ok: true; runId: string; stream: ReadableStream<Uint8Array> } | { ok: false; refusal: LeaseRefusal };

/**
 * Takes the run lease (or answers why not), records the run, and returns the
 * event stream; the run itself starts when the stream is read.
 */
export async function startPageRun(settings: RunSettings, requestSignal?: AbortSignal): Promise<PageRunStart> {
  const requestedAt = performance.now();
  const target = selfTarget();
  // The app's two origins, for the cross-domain rows (lib/compare/cross-domain.ts).
  const targets = handoffTargets(handoff().origins);
  const roles = accountRoles(settings, targets);
  const leased = await createLease({ kind: "run", accounts: roles, ttlSeconds: RUN_LEASE_SECONDS });
  if (!leased.ok) return { ok: false, refusal: leased.refusal };
  const lease: Lease = leased.lease;
  const runId = newRunId();
  const createdAt = new Date();
  try {
    await insertRun({ id: runId, source: "page", settings, createdAt });
  } catch (error) {
    await releaseLease(lease.id, lease.token);
    throw error;
  }

  const stop = new AbortController();
  requestSignal?.addEventListener("abort", () => stop.abort(new Error("The browser closed the stream.")), { once: true });
  const encoder = new TextEncoder();
  let open = true;

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: RunEvent) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          open = false; // the reader went away
        }
      };
      void (async () => {
        let result: RunResult | null = null;
        try {
          result = await runMatrix({
            id: runId,
            source: "page",
            settings,
            target,
            targets,
            label: "this server",
            signal: stop.signal,
            requestedAt,
            accounts: {
              async acquire(asked) {
                return {
                  accounts: assignRoles(asked, lease.accounts),
                  async release() {
                    await releaseLease(lease.id, lease.token);
                  },
                };
              },
            },
            // The final event waits until the result is saved, so a reload finds it in the history.
            onEvent: (event) => (event.type === "run-finished" ? undefined : send(event)),
          });
          await finishRun(runId, {
            status: result.status,
            result,
            mismatches: result.counts.mismatch,
            problems: result.counts.error + result.counts.inconclusive,
            wallMs: result.wallMs,
            error: result.error,
          });
          send({ type: "run-finished", result });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          console.error("[compare] run failed", runId, error);
          await releaseLease(lease.id, lease.token).catch(() => null);
          await finishRun(runId, { status: "failed", result, mismatches: 0, problems: 0, wallMs: 0, error: message }).catch(() => null);
          send({ type: "run-failed", runId, code: "internal", error: "The run failed on the server; see its log." });
        } finally {
          if (open) {
            open = false;
            try {
              controller.close();
            } catch {
              // already closed by the reader
            }
          }
        }
      })();
    },
    cancel() {
      open = false;
      stop.abort(new Error("The browser closed the stream."));
    },
  });
  return { ok: true, runId, stream };
}
