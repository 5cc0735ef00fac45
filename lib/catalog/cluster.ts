// The two headers of a multi-instance deployment (npm run cluster, docs/scaling.md). Client-safe.

/** Request header the cluster's nginx routes on: `a` or `b` reaches that instance; absent, it balances. */
export const TARGET_HEADER = "X-Session-Lab-Target";

/** Response header naming the instance that answered (SESSION_LAB_INSTANCE). */
export const INSTANCE_HEADER = "X-Session-Lab-Instance";
