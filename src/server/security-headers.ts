/**
 * Headers for every response: our pages load nothing from anywhere (no scripts, no third-party
 * content), their one stylesheet is inline and allowed by hash, and they cannot be framed.
 */
import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import { PAGE_STYLE } from "./pages.js";

const styleHash = createHash("sha256").update(PAGE_STYLE, "utf8").digest("base64");

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${styleHash}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  res.removeHeader("X-Powered-By");
  next();
};

/** OAuth pages carry the state in their URL: never leak it to another site via Referer. */
export const noReferrer: RequestHandler = (_req, res, next) => {
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cache-Control", "no-store");
  next();
};

export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

/**
 * Once a browser has seen our https address, it never tries plain http for it again, so a
 * network attacker cannot strip TLS from the OAuth pages. Only sent when the public URL is
 * https: over http browsers ignore it, and on a dev machine it would pin localhost to https.
 */
export const strictTransportSecurity: RequestHandler = (_req, res, next) => {
  res.setHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  next();
};
