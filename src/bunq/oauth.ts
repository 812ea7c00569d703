/**
 * bunq's OAuth authorization-code flow. The token call takes its parameters in the query
 * string only (bunq expects no body), and the redirect URI must be exactly the one used in
 * the authorize request.
 */
import { request, type Dispatcher } from "undici";
import { z } from "zod";
import { NetworkError, OAuthError } from "./errors.js";

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

/** Exchanges an authorization code; throws OAuthError (`invalid_grant`, …) as bunq reports it. */
export async function exchangeAuthorizationCode(
  tokenUrl: string,
  params: OAuthClientCredentials & { code: string; redirectUri: string },
  dispatcher?: Dispatcher,
): Promise<{ accessToken: string }> {
  const url = new URL(tokenUrl);
  url.searchParams.set("grant_type", "authorization_code");
  url.searchParams.set("code", params.code);
  url.searchParams.set("redirect_uri", params.redirectUri);
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("client_secret", params.clientSecret);
  let status: number;
  let json: unknown;
  try {
    const response = await request(url, {
      method: "POST",
      dispatcher,
      headers: { "Cache-Control": "no-cache" },
    });
    status = response.statusCode;
    json = await response.body.json().catch(() => undefined);
  } catch {
    throw new NetworkError("could not reach bunq's OAuth token endpoint", {
      method: "POST",
      path: "/v1/token",
    });
  }
  const token = tokenAnswer.safeParse(json);
  if (status === 200 && token.success) return { accessToken: token.data.access_token };
  const error = errorAnswer.safeParse(json);
  const code = error.success ? error.data.error : "invalid_response";
  const description = error.success ? (error.data.error_description ?? code) : `HTTP ${status}`;
  throw new OAuthError(code, `bunq OAuth: ${description}`, { status, method: "POST", path: "/v1/token" });
}
