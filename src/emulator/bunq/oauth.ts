/**
 * bunq's OAuth pages and token endpoint. The authorize page is a real HTML consent page where
 * a sandbox user is picked and access approved or denied; the redirect URI must match a
 * registered callback URL exactly; codes are single-use and short-lived; the token endpoint
 * takes its parameters from the query string only.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomToken, type EmulatorState, type OAuthClient } from "./state.js";

/** How long an authorization code stays valid (scaled). */
const CODE_LIFETIME_MS = 5 * 60_000;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export interface AuthorizeRequest {
  readonly client_id: string;
  readonly redirect_uri: string;
  readonly state: string;
}

function findClient(state: EmulatorState, clientId: string, redirectUri: string): OAuthClient | undefined {
  const client = [...state.oauthClients.values()].find((c) => c.clientId === clientId);
  return client?.callbackUrls.some((c) => c.url === redirectUri) ? client : undefined;
}

/** Approving or denying: the URL bunq redirects the browser to. */
export function decide(
  state: EmulatorState,
  timeScale: number,
  request: AuthorizeRequest,
  userId: number,
  approve: boolean,
): string {
  if (!findClient(state, request.client_id, request.redirect_uri))
    throw new Error("unknown client or redirect URI");
  const target = new URL(request.redirect_uri);
  if (approve) {
    if (state.users.get(userId)?.kind === "UserPaymentServiceProvider" || !state.users.has(userId)) {
      throw new Error("no such sandbox user");
    }
    const code = randomToken();
    state.codes.set(code, {
      code,
      clientId: request.client_id,
      redirectUri: request.redirect_uri,
      grantedByUserId: userId,
      expiresAt: Date.now() + CODE_LIFETIME_MS * timeScale,
      used: false,
    });
    target.searchParams.set("code", code);
  } else {
    target.searchParams.set("error", "access_denied");
  }
  if (request.state) target.searchParams.set("state", request.state);
  return target.toString();
}

function page(res: ServerResponse, status: number, title: string, body: string) {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action *",
    "Referrer-Policy": "no-referrer",
  });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
button{font-size:1rem;padding:.5rem 1rem;margin:.25rem}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function handleAuthorizePages(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  state: EmulatorState,
  timeScale: number,
): Promise<void> {
  if (req.method === "GET" && url.pathname === "/oauth/auth") {
    const params = Object.fromEntries(url.searchParams) as Record<string, string | undefined>;
    const client = findClient(state, params.client_id ?? "", params.redirect_uri ?? "");
    if (params.response_type !== "code" || !client) {
      return page(
        res,
        400,
        "Invalid request",
        "<p>Unknown client, unsupported response type, or a redirect URI that is not registered.</p>",
      );
    }
    const users = [...state.users.values()].filter((u) => u.kind !== "UserPaymentServiceProvider");
    const hidden = (["client_id", "redirect_uri", "state"] as const)
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params[name] ?? "")}">`)
      .join("");
    const options = users
      .map((u) => `<option value="${u.id}">${escapeHtml(u.displayName)}</option>`)
      .join("");
    return page(
      res,
      200,
      "bunq sandbox: connect an app",
      `<p>An app wants to read your accounts and prepare payments.</p>
<form method="post" action="/oauth/auth/decision">${hidden}
<label>Sandbox user <select name="user_id">${options}</select></label><br>
<button name="decision" value="approve" type="submit">Approve</button>
<button name="decision" value="deny" type="submit">Deny</button></form>`,
    );
  }
  if (req.method === "POST" && url.pathname === "/oauth/auth/decision") {
    const form = await formBody(req);
    try {
      const location = decide(
        state,
        timeScale,
        {
          client_id: form.get("client_id") ?? "",
          redirect_uri: form.get("redirect_uri") ?? "",
          state: form.get("state") ?? "",
        },
        Number(form.get("user_id")),
        form.get("decision") === "approve",
      );
      res.writeHead(302, { Location: location, "Referrer-Policy": "no-referrer" });
      res.end();
    } catch (error) {
      page(
        res,
        400,
        "Invalid request",
        `<p>${escapeHtml(error instanceof Error ? error.message : "error")}</p>`,
      );
    }
    return;
  }
  page(res, 404, "Not found", "");
}

/** POST /api-oauth/v1/token: parameters in the query string only, no body. */
export async function handleToken(req: IncomingMessage, res: ServerResponse, url: URL, state: EmulatorState) {
  const answer = (status: number, body: object) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  if (req.method !== "POST") return answer(405, { error: "invalid_request", error_description: "Use POST." });
  if (Buffer.concat(chunks).length > 0) {
    return answer(400, {
      error: "invalid_request",
      error_description: "The request should only contain URL parameters.",
    });
  }
  const q = url.searchParams;
  if (q.get("grant_type") !== "authorization_code") {
    return answer(400, {
      error: "unsupported_grant_type",
      error_description: "Only authorization_code is supported.",
    });
  }
  const client = [...state.oauthClients.values()].find((c) => c.clientId === q.get("client_id"));
  if (!client || client.secret !== q.get("client_secret")) {
    return answer(400, { error: "invalid_client", error_description: "The client credentials are invalid." });
  }
  const code = state.codes.get(q.get("code") ?? "");
  const invalid = () =>
    answer(400, {
      error: "invalid_grant",
      error_description: "The authorization code is invalid or expired.",
    });
  if (!code || code.used || code.expiresAt <= Date.now() || code.clientId !== client.clientId)
    return invalid();
  code.used = true;
  if (code.redirectUri !== q.get("redirect_uri")) return invalid();
  const accessToken = randomToken();
  state.grants.set(accessToken, {
    accessToken,
    userApiKeyId: state.nextId(),
    requestedByUserId: client.providerUserId,
    grantedByUserId: code.grantedByUserId,
  });
  return answer(200, { access_token: accessToken, token_type: "bearer", state: q.get("state") ?? undefined });
}
