/**
 * Telling "the database is not reachable right now" apart from "this query is wrong". The first
 * is worth waiting out (the update is handled again later, an outcome is written when the
 * database is back); the second is a bug and retrying it changes nothing.
 */

/** Raised by an injected outage (see `DatabaseHandle.injectOutage`), like a dropped connection. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  constructor() {
    super("the database is not reachable");
  }
}

/** postgres.js connection errors and the SQLSTATE classes for a lost or refused connection. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENOTCONN",
  "EPIPE",
  "ETIMEDOUT",
  "ERR_STREAM_DESTROYED", // writing to a socket the network just reset
  "ERR_STREAM_WRITE_AFTER_END",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01", // admin_shutdown (pg_terminate_backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof DatabaseUnavailableError) return true;
    if (typeof current !== "object") return false;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true;
    if (typeof message === "string" && /PGlite is closed/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
