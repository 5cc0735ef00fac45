import pino, { type DestinationStream, type Logger } from "pino";

// Structured security events (OWASP Logging Cheat Sheet, ASVS 16): one JSON
// line per sign-in success or failure, throttled sign-in, role change,
// disable, password change and revocation, on stdout. Never a password, token
// or cookie: events carry ids, the variant and the client address only, and
// anything credential-like that slips into one is redacted by key.

export type SecurityEvent =
  /** `userId` null where only the account (email) is known (Auth.js's own endpoint). */
  | { event: "sign-in"; outcome: "success"; variant: string; userId: string | null; account?: string; client: string }
  | { event: "sign-in"; outcome: "failure"; variant: string; account: string; reason: "invalid" | "disabled"; client: string }
  | { event: "sign-in"; outcome: "throttled"; variant: string; account: string; client: string; retryAfterSeconds: number }
  | { event: "role-change"; variant: string; actorId: string; targetId: string; role: string }
  | { event: "disable"; variant: string; actorId: string; targetId: string; disabled: boolean; sessionsEnded: number | null }
  | { event: "password-change"; variant: string; userId: string; statefulSessionsEnded: number }
  | {
      event: "revocation";
      variant: string;
      kind: "sign-out-everywhere" | "admin-revoke" | "device";
      actorId: string;
      targetId: string;
      sessionsEnded: number | null;
    };

/** Keys whose values are never written, wherever they appear in an event. */
export const REDACTED_KEYS = ["password", "currentPassword", "newPassword", "token", "refreshToken", "cookie", "authorization", "secret"];

const holder = globalThis as typeof globalThis & { __sessionLabSecurityLog?: Logger };

function createLogger(destination?: DestinationStream): Logger {
  const redact = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]);
  return pino({ name: "security", base: undefined, redact: { paths: redact, censor: "[redacted]" } }, destination);
}

export function securityLog(): Logger {
  holder.__sessionLabSecurityLog ??= createLogger();
  return holder.__sessionLabSecurityLog;
}

/** Send the events to `destination` instead of stdout (tests capture them). */
export function setSecurityLogDestination(destination: DestinationStream): void {
  holder.__sessionLabSecurityLog = createLogger(destination);
}

/** Logs one event: failures and throttling at warn, the rest at info. Never throws (logging must not fail a request). */
export function logSecurityEvent(event: SecurityEvent): void {
  try {
    const failed = event.event === "sign-in" && event.outcome !== "success";
    securityLog()[failed ? "warn" : "info"](event, event.event);
  } catch {
    // A broken log destination does not break sign-in.
  }
}
