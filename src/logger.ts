/**
 * The process logger. Redaction works on values, not just known paths: anything under a
 * sensitive key is masked wherever it is nested, and strings (including Error messages and
 * stacks) are scrubbed of things that look like tokens, keys or OAuth codes. A secret that
 * reaches a log call by accident is therefore still not written.
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

/** Removes anything that looks like a secret from a string. */
export function redactSecrets(text: string): string {
  let result = text;
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

/** Deep copy of a value with sensitive keys masked and strings scrubbed. */
export function redactValue(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { type: value.name, message: value.message, stack: value.stack };
    for (const [key, inner] of Object.entries(value)) plain[key] = inner;
    if (value.cause !== undefined) plain.cause = value.cause;
    return redactValue(plain, seen);
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    result[key] =
      isSensitiveKey(key) && inner !== null && inner !== undefined ? MASK : redactValue(inner, seen);
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
      serializers: { err: (error: unknown) => redactValue(error) },
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
