/**
 * The process logger. Redaction works on values, not just known paths: anything under a
 * sensitive key is masked wherever it is nested, and strings (including Error messages and
 * stacks) are scrubbed of things that look like tokens, keys or OAuth codes. A secret that
 * reaches a log call by accident is therefore still not written.
 *
 * Database errors are a special case: drizzle and the Postgres drivers put the failed query's
 * parameters (IBANs, names, message text) into the error's fields and message, and Postgres's
 * `detail` repeats row values. None of that reaches a log; the error's kind and code do.
 */
import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger } from "pino";

const MASK = "[redacted]";

const SENSITIVE_KEY =
  /^(.*_)?(token|secret|password|passwd|authorization|auth|cookie|api_?key|private_?key|secret_?key|encryption_?keys?|code|state|signature|session|csrf|key)(_.*)?$/i;

const SECRET_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g,
  /\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g, // Telegram bot tokens
  /\bbot\d{5,}:[A-Za-z0-9_-]{30,}/g,
  /([?&](?:code|state|token|access_token|client_secret|secret|key|api_key)=)[^&\s#"']+/gi,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g,
  /\b[a-f0-9]{40,}\b/gi, // bunq API keys, tokens and other long hex strings
  /\b[A-Za-z0-9+/_-]{40,}={0,2}/g, // long base64 blobs (keys, ciphertexts)
];

/**
 * drizzle's "Failed query: <sql>\nparams: <values>", up to the stack frames or the end. The
 * values may contain newlines, so everything up to the first stack frame goes.
 */
const FAILED_QUERY = /Failed query: [\s\S]*?(?=\n\s*at\s|$)/g;
const QUERY_WITHHELD = "Failed query: [query and parameters withheld]";

/** Fields of database errors that carry query text, parameter values or row values. */
const QUERY_FIELDS = new Set([
  "query",
  "params",
  "parameters",
  "args",
  "detail",
  "internalQuery",
  "queryOptions",
]);

/**
 * An error's `code` is normally its kind, which the "code" rule for OAuth codes would mask:
 * a Postgres SQLSTATE (23505), a Node or undici code (ECONNRESET, UND_ERR_SOCKET) or an OAuth
 * error (invalid_grant). An authorization code looks like none of these.
 */
const ERROR_CODE = /^(?:[0-9A-Z]{5}|E[A-Z]{3,}|[A-Z]+(?:_[A-Z0-9]+)+|[a-z]+(?:_[a-z]+)+)$/;

/** Where errors are logged; objects under these keys are treated as errors even when plain. */
const ERROR_KEYS = new Set(["err", "error", "cause"]);

/** Removes anything that looks like a secret from a string. */
export function redactSecrets(text: string): string {
  let result = text.replace(FAILED_QUERY, QUERY_WITHHELD);
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}${MASK}` : MASK,
    );
  }
  return result;
}

/** Keys a normal word would match but that carry no secret ("key" of a map entry is fine as a number). */
function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.replace(/([a-z])([A-Z])/g, "$1_$2"));
}

/**
 * Deep copy of a value with sensitive keys masked and strings scrubbed. `asError` marks a
 * value logged as an error (an Error, or anything under `err`, `error` or `cause`), whose
 * query fields are left out.
 */
export function redactValue(value: unknown, seen = new WeakSet<object>(), asError = false): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof Error) {
    // DrizzleQueryError keeps the generic name "Error"; its class says what kind of failure it was.
    const type = value.name === "Error" ? value.constructor.name : value.name;
    const plain: Record<string, unknown> = { type, message: value.message, stack: value.stack };
    for (const [key, inner] of Object.entries(value)) plain[key] = inner;
    if (value.cause !== undefined) plain.cause = value.cause;
    // The stack repeats the message, whose parameters may span lines the pattern cannot bound.
    if (typeof plain.stack === "string" && value.message) {
      const redacted = redactSecrets(value.message);
      plain.stack = plain.stack.replace(value.message, () => redacted);
    }
    return redactValue(plain, seen, true);
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen, asError));
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (asError && QUERY_FIELDS.has(key)) continue;
    const errorCode = asError && key === "code" && typeof inner === "string" && ERROR_CODE.test(inner);
    result[key] =
      isSensitiveKey(key) && !errorCode && inner !== null && inner !== undefined
        ? MASK
        : redactValue(inner, seen, ERROR_KEYS.has(key));
  }
  return result;
}

export interface LoggerOptions {
  readonly level: string;
  readonly pretty: boolean;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ??
    (options.pretty
      ? pino.transport({ target: "pino-pretty", options: { colorize: true, ignore: "pid,hostname" } })
      : undefined);
  return pino(
    {
      level: options.level,
      formatters: { log: (object) => redactValue(object) as Record<string, unknown> },
      serializers: {
        err: (error: unknown) => redactValue(error, undefined, true),
        // pino takes the message of an Error logged on its own (`logger.error(err)`) after the hook below.
        msg: (message: unknown) => (typeof message === "string" ? redactSecrets(message) : message),
      },
      hooks: {
        // Messages are scrubbed too: `logger.info(\`token ${token}\`)` must not leak.
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === "string" ? redactSecrets(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
