// The JSON API's error codes (client-safe). Every error response is
// `{"error": "<one sentence for people>", "code": "<one of these>", ...extra}`:
// the UI, the tests and scripts branch on `code`, never on the sentence.
// docs/api.md documents each one; a unit test keeps that table equal to this list.

export const ERROR_CODES = [
  "bad_host",
  "bad_request",
  "malformed_json",
  "invalid_body",
  "invalid_profile",
  "unknown_variant",
  "unknown_scenario",
  "invalid_timing",
  "invalid_query",
  "weak_password",
  "handoff_invalid",
  "handoff_expired",
  "logout_token_invalid",
  "not_signed_in",
  "invalid_credentials",
  "refresh_reused",
  "forbidden",
  "csrf",
  "account_disabled",
  "wrong_password",
  "compare_disabled",
  "handoff_unbound",
  "not_found",
  "unsupported",
  "method_not_allowed",
  "conflict",
  "last_admin",
  "run_in_progress",
  "live_lab_limit",
  "handoff_replayed",
  "body_too_large",
  "uri_too_long",
  "unsupported_media_type",
  "rate_limited",
  "header_too_large",
  "internal",
  "unavailable",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status each code is sent with: a code always means one status. */
export const ERROR_STATUS = {
  bad_host: 400,
  bad_request: 400,
  malformed_json: 400,
  invalid_body: 400,
  invalid_profile: 400,
  unknown_variant: 400,
  unknown_scenario: 400,
  invalid_timing: 400,
  invalid_query: 400,
  weak_password: 400,
  handoff_invalid: 400,
  handoff_expired: 400,
  logout_token_invalid: 400,
  not_signed_in: 401,
  invalid_credentials: 401,
  refresh_reused: 401,
  forbidden: 403,
  csrf: 403,
  account_disabled: 403,
  wrong_password: 403,
  compare_disabled: 403,
  handoff_unbound: 403,
  not_found: 404,
  // Not 501: a variant that cannot do something is a fact about the request, not a server failure (5xx
  // means "the server failed", and the fuzz asserts that none ever does).
  unsupported: 404,
  method_not_allowed: 405,
  conflict: 409,
  last_admin: 409,
  run_in_progress: 409,
  live_lab_limit: 409,
  handoff_replayed: 409,
  body_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  header_too_large: 431,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}
