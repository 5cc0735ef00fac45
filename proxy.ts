import { NextResponse, type NextRequest } from "next/server";
import { PATHNAME_HEADER } from "@/lib/paths";
import { possibleSessionCookieNames, SESSION_COOKIES } from "@/lib/server/cookies";

// An optimistic first check only: a signed-in page of a cookie strategy with
// no session cookie at all goes straight to its sign-in page. The real check
// (is the credential valid?) happens on the server in every layout and API
// route. The jwt pages are not checked here: browsers send no bearer token on
// navigation.

const COOKIE_NAMES = new Map<string, string[]>(
  Object.entries(SESSION_COOKIES).map(([strategy, spec]) => [strategy, possibleSessionCookieNames(spec)]),
);

export function proxy(request: NextRequest) {
  const [, strategy, section] = request.nextUrl.pathname.split("/");
  const names = strategy ? COOKIE_NAMES.get(strategy) : undefined;
  if (!names || section === "login") return NextResponse.next();
  if (names.some((n) => request.cookies.has(n))) {
    // The guard may still refuse the cookie; it sends the user back here afterwards.
    const headers = new Headers(request.headers);
    headers.set(PATHNAME_HEADER, request.nextUrl.pathname);
    return NextResponse.next({ request: { headers } });
  }
  const url = request.nextUrl.clone();
  url.pathname = `/${strategy}/login`;
  url.search = `?next=${encodeURIComponent(request.nextUrl.pathname)}`;
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/stateful/:path*", "/cookie/:path*", "/nextauth/:path*"],
};
