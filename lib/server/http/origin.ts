/**
 * CSRF defence for requests that carry a cookie credential: the Origin must be
 * exactly this app's origin. Browsers send Origin on every cross-origin and
 * same-origin POST/PATCH/DELETE; when it is missing, Sec-Fetch-Site (also
 * browser-set) decides. A request with neither did not come from a browser
 * page, so there is no ambient credential to abuse (curl, test suites).
 * Route handlers have no built-in CSRF protection; this is it.
 */
export function isSameOriginRequest(headers: Headers, appOrigin: string, extraOrigins: readonly string[] = []): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return origin === appOrigin || extraOrigins.includes(origin);
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  return true;
}
