/**
 * bunq's OAuth authorization-code flow. The token call takes its parameters in the query
 * string only (bunq expects no body), and the redirect URI must be exactly the one used in
 * the authorize request.
 */
import { request, type Dispatcher } from "undici";
import { z } from "zod";
import { NetworkError, OAuthError, ResponseTooLargeError, TimeoutError } from "./errors.js";

export interface OAuthClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export function buildAuthorizeUrl(
  authorizeUrl: string,
  params: { clientId: string; redirectUri: string; state: string },
): string {
  const url = new URL(authorizeUrl);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("redirect_uri", params.redirectUri);
  url.searchParams.set("state", params.state);
  return url.toString();
}

const tokenAnswer = z.object({ access_token: z.string().min(1), token_type: z.string().optional() });
const errorAnswer = z.object({ error: z.string(), error_description: z.string().optional() });

export interface TokenExchangeOptions {
  readonly dispatcher?: Dispatcher;
  /**
   * For the whole exchange, body included. The user waits on our callback page meanwhile, and
   * a token endpoint that never answers must not hold a request (and its code) open forever.
   */
  readonly timeoutMs?: number;
  /** A token answer is a few hundred bytes; anything far larger is not read to its end. */
  readonly maxResponseBytes?: number;
}

export const TOKEN_EXCHANGE_TIMEOUT_MS = 15_000;
export const TOKEN_RESPONSE_MAX_BYTES = 64 * 1024;

/**
 * Exchanges an authorization code; throws OAuthError (`invalid_grant`, …) as bunq reports it,
 * TimeoutError past the deadline and ResponseTooLargeError for an oversized answer. No error
 * names the URL: its query string holds the code and the client secret.
 */
export async function exchangeAuthorizationCode(
  tokenUrl: string,
  params: OAuthClientCredentials & { code: string; redirectUri: string },
  options: TokenExchangeOptions = {},
): Promise<{ accessToken: string }> {
  const url = new URL(tokenUrl);
  url.searchParams.set("grant_type", "authorization_code");
  url.searchParams.set("code", params.code);
  url.searchParams.set("redirect_uri", params.redirectUri);
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("client_secret", params.clientSecret);
  const timeoutMs = options.timeoutMs ?? TOKEN_EXCHANGE_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? TOKEN_RESPONSE_MAX_BYTES;
  const details = { method: "POST", path: "/v1/token" };
  const deadline = AbortSignal.timeout(timeoutMs);
  let status: number;
  let body: Buffer | undefined;
  try {
    const response = await request(url, {
      method: "POST",
      dispatcher: options.dispatcher,
      headers: { "Cache-Control": "no-cache" },
      signal: deadline,
    });
    status = response.statusCode;
    body = await readAtMost(response.body, maxBytes);
  } catch {
    if (deadline.aborted) {
      throw new TimeoutError(`bunq's OAuth token endpoint did not answer within ${timeoutMs} ms`, details);
    }
    throw new NetworkError("could not reach bunq's OAuth token endpoint", details);
  }
  if (!body) {
    throw new ResponseTooLargeError(
      `bunq's OAuth token endpoint answered with more than ${maxBytes} bytes; the answer was discarded`,
      { ...details, status },
    );
  }
  const json = parseJson(body);
  const token = tokenAnswer.safeParse(json);
  if (status === 200 && token.success) return { accessToken: token.data.access_token };
  const error = errorAnswer.safeParse(json);
  const code = error.success ? error.data.error : "invalid_response";
  const description = error.success ? (error.data.error_description ?? code) : `HTTP ${status}`;
  throw new OAuthError(code, `bunq OAuth: ${description}`, { status, ...details });
}

/** The body, or undefined (and the connection dropped) once it exceeds `limit` bytes. */
async function readAtMost(body: Dispatcher.ResponseData["body"], limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}
