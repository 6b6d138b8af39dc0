/**
 * The renderer's Content-Security-Policy. renderer/index.html carries it as a meta tag (the
 * desktop app loads the page from a file, with no headers); web mode sends it as a header
 * too, with `frame-ancestors`, which browsers ignore in a meta tag (and log an error for).
 * csp.test.ts keeps the meta tag equal to RENDERER_CSP.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The header web mode sends with every page: no other site may frame the studio. */
export const WEB_CSP = `${RENDERER_CSP}; frame-ancestors 'none'`;
