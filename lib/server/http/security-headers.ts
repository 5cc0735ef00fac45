// The page-level security headers proxy.ts sets: a Content-Security-Policy
// with a fresh nonce per request (Next.js puts it on its own scripts, read
// from the request's CSP header), and HSTS when this app is served over https.

/** A 128-bit nonce, base64: new for every page request. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * No inline or third-party script runs unless it carries this request's nonce
 * ('strict-dynamic' lets Next.js's nonce'd loader add its chunks). The
 * handoff's two origins may be fetched from and posted to (the partner app and
 * the naive shared-JWT demo call across them). `style-src-attr
 * 'unsafe-inline'`: React renders `style` attributes (the comparison charts),
 * which cannot run script; `<style>` elements still need the nonce.
 * Development adds 'unsafe-eval' (React's dev tools need it), never production.
 */
export function contentSecurityPolicy(nonce: string, options: { otherOrigins?: readonly string[]; development?: boolean } = {}): string {
  const others = [...new Set(options.otherOrigins ?? [])].join(" ");
  const self = others ? `'self' ${others}` : "'self'";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${self}`,
    `form-action ${self}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** Two years, subdomains included (OWASP's HSTS cheat sheet); sent only when the origin is https. */
export const HSTS_VALUE = "max-age=63072000; includeSubDomains";
