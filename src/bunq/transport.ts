/**
 * One HTTP exchange with bunq, done carefully: the body is serialized once and those exact
 * bytes are signed and sent; the response signature is checked over the raw bytes before
 * anything is parsed; every request has a fresh X-Bunq-Client-Request-Id; rate limits are
 * waited for, 429s backed off, and only reads are retried after a server failure.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request, type Dispatcher } from "undici";
import { z } from "zod";
import {
  BunqUserError,
  MaintenanceError,
  NetworkError,
  RateLimitedError,
  ServerError,
  SessionExpiredError,
  SignatureInvalidError,
  type BunqErrorDetails,
} from "./errors.js";
import { endpointPattern, RateLimiter, type HttpMethod } from "./rate-limiter.js";
import { signBody, verifyBody } from "./signing.js";

export interface BunqRequest {
  readonly method: HttpMethod;
  /** Path below the API base, e.g. `/user/1/monetary-account`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** JSON body, or raw bytes (attachments). */
  readonly body?: unknown;
  readonly rawBody?: { readonly bytes: Uint8Array; readonly contentType: string };
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** Installation or session token. */
  readonly authentication?: string;
  /** Sign the body with this installation private key. */
  readonly signingKeyPem?: string;
  /** Verify the response with bunq's server public key (every call after installation). */
  readonly serverPublicKeyPem?: string;
  /** Safe to repeat after a 5xx/491/network failure (reads, deletes of sessions). */
  readonly idempotent?: boolean;
  /**
   * Runs once the rate limiter let the request go and just before it leaves; throwing stops it
   * unsent. A caller about to move money uses it to re-check that it still owns the action.
   */
  readonly beforeSend?: () => Promise<void>;
}

export interface BunqResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly responseId?: string;
  readonly requestId: string;
}

export interface TransportOptions {
  /** e.g. https://public-api.sandbox.bunq.com/v1 */
  readonly baseUrl: string;
  readonly userAgent?: string;
  readonly limiter?: RateLimiter;
  readonly dispatcher?: Dispatcher;
  /** Attempts for idempotent requests on 5xx/491/network errors, and for any request on 429. */
  readonly maxAttempts?: number;
  /** First backoff delay; doubles each attempt. */
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
}

const errorBody = z.object({
  Error: z.array(
    z.object({ error_description: z.string(), error_description_translated: z.string().optional() }),
  ),
});

export class BunqTransport {
  readonly #baseUrl: string;
  readonly #userAgent: string;
  readonly limiter: RateLimiter;
  readonly #dispatcher: Dispatcher;
  readonly #maxAttempts: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;

  constructor(options: TransportOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#userAgent = options.userAgent ?? "bunqbot/0.1";
    this.limiter = options.limiter ?? new RateLimiter();
    this.#dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 8, pipelining: 1 });
    this.#maxAttempts = options.maxAttempts ?? 4;
    this.#backoffMs = options.backoffMs ?? 500;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async send(req: BunqRequest): Promise<BunqResponse> {
    const bytes = req.rawBody
      ? Buffer.from(req.rawBody.bytes)
      : Buffer.from(req.body === undefined ? "" : JSON.stringify(req.body), "utf8");
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#sendOnce(req, bytes);
      } catch (error) {
        const retryable =
          error instanceof RateLimitedError ||
          (req.idempotent === true &&
            (error instanceof ServerError ||
              error instanceof MaintenanceError ||
              error instanceof NetworkError));
        if (!retryable || attempt >= this.#maxAttempts) throw error;
        if (error instanceof RateLimitedError) this.limiter.backOff(req.method, req.path);
        await sleep(this.#backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  async #sendOnce(req: BunqRequest, bytes: Buffer): Promise<BunqResponse> {
    const requestId = randomUUID();
    const headers: Record<string, string> = {
      "Cache-Control": "no-cache",
      "User-Agent": this.#userAgent,
      "X-Bunq-Language": "en_US",
      "X-Bunq-Region": "nl_NL",
      "X-Bunq-Geolocation": "0 0 0 0 000",
      "X-Bunq-Client-Request-Id": requestId,
      "Content-Type": req.rawBody?.contentType ?? "application/json",
      ...req.extraHeaders,
    };
    if (req.authentication) headers["X-Bunq-Client-Authentication"] = req.authentication;
    if (req.signingKeyPem) headers["X-Bunq-Client-Signature"] = signBody(bytes, req.signingKeyPem);

    const details: BunqErrorDetails = { method: req.method, path: endpointPattern(req.path), requestId };
    const releaseSlot = await this.limiter.acquire(req.method, req.path);
    if (req.beforeSend) {
      try {
        await req.beforeSend();
      } catch (error) {
        releaseSlot();
        throw error;
      }
    }
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let body: Buffer;
    try {
      const response = await request(this.#url(req), {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "DELETE" ? undefined : bytes,
        dispatcher: this.#dispatcher,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      status = response.statusCode;
      responseHeaders = response.headers;
      body = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      throw new NetworkError(`could not reach bunq (${describeNetworkError(error)})`, details);
    } finally {
      releaseSlot();
    }
    const responseId = header(responseHeaders, "x-bunq-client-response-id");
    const withResponse = { ...details, status, responseId };

    if (req.serverPublicKeyPem) {
      const signature = header(responseHeaders, "x-bunq-server-signature");
      if (!signature || !verifyBody(body, signature, req.serverPublicKeyPem)) {
        throw new SignatureInvalidError(
          "bunq's response signature did not verify; the response was discarded",
          withResponse,
        );
      }
    }
    if (status >= 200 && status < 300) return { status, body, responseId, requestId };
    throw errorFor(status, body, withResponse);
  }

  #url(req: BunqRequest): string {
    const url = new URL(this.#baseUrl + req.path);
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") return error.code;
  return error instanceof Error ? error.name : "unknown error";
}

/** Maps a non-2xx status to a typed error carrying bunq's description. */
function errorFor(status: number, body: Buffer, details: BunqErrorDetails): Error {
  const parsed = errorBody.safeParse(safeJson(body));
  const first = parsed.success ? parsed.data.Error[0] : undefined;
  const description = first?.error_description ?? `HTTP ${status}`;
  if (status === 429) return new RateLimitedError(`bunq rate limit: ${description}`, details);
  if (status === 401) return new SessionExpiredError(description, details);
  if (status === 491) return new MaintenanceError(`bunq is in maintenance: ${description}`, details);
  if (status >= 500) return new ServerError(`bunq server error: ${description}`, details);
  return new BunqUserError(description, first?.error_description_translated, details);
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}
