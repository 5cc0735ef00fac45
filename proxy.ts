import { NextResponse, type NextRequest } from "next/server";
import { PATHNAME_HEADER } from "@/lib/paths";

// An optimistic first check only: a signed-in page of a cookie strategy with
// no session cookie at all goes straight to its sign-in page. The real check
// (is the credential valid?) happens on the server in every layout and API
// route. The jwt pages are not checked here: browsers send no bearer token on
// navigation.

const COOKIE_NAMES: Record<string, string[]> = {
  stateful: ["lab-stateful", "__Host-lab-stateful"],
  cookie: ["lab-cookie", "__Host-lab-cookie"],
  nextauth: ["authjs.session-token", "__Secure-authjs.session-token", "authjs.session-token.0", "__Secure-authjs.session-token.0"],
};

export function proxy(request: NextRequest) {
  const [, strategy, section] = request.nextUrl.pathname.split("/");
  const names = strategy ? COOKIE_NAMES[strategy] : undefined;
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
