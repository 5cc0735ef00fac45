import Bowser from "bowser";

/**
 * A device as people name it, from its User-Agent header: "Chrome on Linux".
 * Programs that are not browsers (curl, scripts, test runners) are named by
 * their first product token: "curl 8.5.0 (not a browser)". Client-safe; the
 * devices page shows the raw string on hover.
 */
export function describeUserAgent(userAgent: string | null): string {
  const ua = userAgent?.trim();
  if (!ua) return "Unknown device";
  const { browser, os, engine } = Bowser.parse(ua);
  // bowser names any "Product/1.0 (…)" string a browser; a real one also shows an engine or an OS.
  if (browser.name && (engine.name || os.name)) return os.name ? `${browser.name} on ${os.name}` : browser.name;
  if (os.name) return `Unknown browser on ${os.name}`;
  const product = /^[A-Za-z][\w.+-]{0,39}(?:\/[\w.+-]{1,24})?/.exec(ua)?.[0];
  return product ? `${product.replace("/", " ")} (not a browser)` : "Unknown client";
}
