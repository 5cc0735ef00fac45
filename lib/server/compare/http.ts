import { ApiError } from "@/lib/server/http/route";
import type { LeaseRefusal } from "@/lib/server/data/compare";
import { loadEnv } from "@/lib/server/env";

/** Comparison runs and live labs create accounts: only where they are switched on (403 compare_disabled). */
export function requireCompareEnabled(): void {
  if (!loadEnv().compareEnabled) {
    throw new ApiError(
      "compare_disabled",
      "Comparison runs are off on this server. They are on in the demo and in development; set SESSION_LAB_COMPARE=1 to allow them in production.",
    );
  }
}

/** A refused lease as an API error: 409 with what the caller can do about it. */
export function leaseRefusal(refusal: LeaseRefusal): ApiError {
  if (refusal.reason === "run_in_progress") {
    const retryAfter = Math.max(1, Math.ceil((refusal.expiresAt.getTime() - Date.now()) / 1000));
    return new ApiError(
      "run_in_progress",
      `Another comparison run is in progress (started ${refusal.activeSince.toISOString()}). Runs take turns so their measurements do not disturb each other; try again when it ends.`,
      { activeSince: refusal.activeSince.toISOString(), retryAfterSeconds: Math.min(retryAfter, 30) },
    );
  }
  return new ApiError(
    "live_lab_limit",
    `At most ${refusal.limit} live split-screens can be open at once; close one or wait for one to expire.`,
    {
      limit: refusal.limit,
    },
  );
}
