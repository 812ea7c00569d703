/**
 * The HTTP face of the emulator. For /v1 it does what bunq does around every call: request
 * log, injected faults, per-IP rate limits, token checks (installation token for device and
 * session calls, session token for the rest), 466 for unsigned calls that must be signed, and
 * a signature over every response body. Injected faults strike before the route runs or, for
 * the `-after` kinds, after it has run and succeeded.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleControl, ControlError, type ControlDeps, type LoggedRequest } from "./control.js";
import { BunqHttpError, insufficientAuthorisation } from "./errors.js";
import { handleAuthorizePages, handleToken } from "./oauth.js";
import type { PerIpRateLimits } from "./rate-limits.js";
import type { ApiRequest, ApiResult, CompiledRoute, Emulation } from "./router.js";
import { checkRequestBody, checkResponse, type SpecViolation } from "./spec/validator.js";
import { ROUTES } from "./routes/index.js";
import { signResponse, verifyClientSignature, type ServerKeys } from "./signing.js";

const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** A request within this long of expiry extends the session (bunq: 30 s, by at most 5 min). */
const EXTENSION_WINDOW_MS = 30_000;
const MAX_EXTENSION_MS = 5 * 60_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerDeps extends ControlDeps {
  /** Every response that did not fit bunq's spec; tests assert it stays empty. */
  readonly specViolations: SpecViolation[];
  readonly keys: ServerKeys;
  readonly limits: PerIpRateLimits;
  readonly timeScale: number;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BunqHttpError(400, "Request body too large.");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new BunqHttpError(400, "The request body is not valid JSON.");
  }
}

export function createRequestHandler(deps: ServerDeps) {
  const emulation: Emulation = {
    state: deps.state,
    timeScale: deps.timeScale,
    serverPublicKeyPem: deps.keys.publicKeyPem,
  };
  let nextLogId = 1;

  function send(
    res: ServerResponse,
    status: number,
    payload: unknown,
    requestId: string | undefined,
    corrupt = false,
  ) {
    const body = Buffer.from(JSON.stringify(payload));
    let signature = signResponse(body, deps.keys);
    if (corrupt) signature = (signature.startsWith("A") ? "B" : "A") + signature.slice(1);
    res.writeHead(status, {
      "Content-Type": "application/json",
      "X-Bunq-Client-Response-Id": randomUUID(),
      "X-Bunq-Server-Signature": signature,
      ...(requestId ? { "X-Bunq-Client-Request-Id": requestId } : {}),
    });
    res.end(body);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    const path = url.pathname.slice("/v1".length) || "/";
    const requestId = req.headers["x-bunq-client-request-id"] as string | undefined;
    const entry: { -readonly [K in keyof LoggedRequest]: LoggedRequest[K] } = {
      id: nextLogId++,
      method,
      path: url.pathname,
      status: 0,
      at: new Date().toISOString(),
    };
    deps.log.push(entry);
    const fault = deps.faults.take(method, url.pathname, "before");
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === "latency") await pause(fault.ms ?? 1000);
    if (fault?.kind === "drop") {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    let result: ApiResult;
    try {
      if (fault?.kind === "rate-limit")
        throw new BunqHttpError(
          429,
          "Too many requests. You can do a maximum of 3 calls per 3 second to this endpoint.",
        );
      if (fault?.kind === "maintenance")
        throw new BunqHttpError(491, "bunq is in maintenance mode. Please try again later.");
      if (fault?.kind === "status") throw new BunqHttpError(fault.status ?? 500, "Internal server error.");
      const rawBody = await readBody(req);
      const route = ROUTES.find((r) => r.regex.test(path) && r.method === method);
      if (!route) {
        const pathExists = ROUTES.some((r) => r.regex.test(path));
        throw pathExists
          ? new BunqHttpError(405, "Method not allowed.")
          : new BunqHttpError(404, "Route not found.");
      }
      const ip = req.socket.remoteAddress ?? "unknown";
      if (!deps.limits.allow(ip, method, route.endpoint)) {
        throw new BunqHttpError(
          429,
          `Too many requests. You can do a maximum of ${method === "POST" && route.endpoint === "/session-server" ? "1 call per 30" : method === "POST" ? "5 calls per 3" : method === "PUT" ? "2 calls per 3" : "3 calls per 3"} second to this endpoint.`,
        );
      }
      const token = req.headers["x-bunq-client-authentication"];
      const request: ApiRequest = {
        method,
        path,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        // Attachments arrive as raw image bytes; everything else is JSON.
        json: String(req.headers["content-type"] ?? "").startsWith("image/") ? undefined : parseJson(rawBody),
        params: route.regex.exec(path)?.groups ?? {},
        ...authenticate(route, typeof token === "string" ? token : undefined),
      };
      entry.authenticated_as = request.session?.userId;
      if (route.signed) checkSignature(request);
      const bodyProblem = checkRequestBody(method, route.path, request.json);
      if (bodyProblem) throw new BunqHttpError(400, `The request does not match the API: ${bodyProblem}.`);
      result = await route.handle(request, emulation);
      const responseProblem = checkResponse(method, route.path, result.body);
      if (responseProblem)
        deps.specViolations.push({ operation: `${method} ${route.path}`, problem: responseProblem });
    } catch (error) {
      const httpError =
        error instanceof BunqHttpError ? error : new BunqHttpError(500, "Internal server error.");
      entry.status = httpError.status;
      send(res, httpError.status, httpError.toBody(), requestId, fault?.kind === "corrupt-signature");
      return;
    }
    entry.status = result.status ?? 200;
    const after = deps.faults.take(method, url.pathname, "after");
    if (after) entry.fault = after.kind;
    if (after?.kind === "latency-after") await pause(after.ms ?? 1000);
    if (after?.kind === "drop-after") {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    if (after?.kind === "status-after") {
      const lost = new BunqHttpError(after.status ?? 500, "Internal server error.");
      entry.status = lost.status;
      send(res, lost.status, lost.toBody(), requestId);
      return;
    }
    send(res, entry.status, result.body, requestId, fault?.kind === "corrupt-signature");
  }

  function authenticate(
    route: CompiledRoute,
    token: string | undefined,
  ): Pick<ApiRequest, "installation" | "session"> {
    if (route.auth === "none") return {};
    if (!token) throw insufficientAuthorisation();
    if (route.auth === "installation") {
      const installation = deps.state.installations.get(token);
      if (!installation) throw insufficientAuthorisation();
      return { installation };
    }
    const session = deps.state.sessions.get(token);
    const now = Date.now();
    if (!session || session.expiresAt <= now) throw insufficientAuthorisation();
    if (session.expiresAt - now < EXTENSION_WINDOW_MS * deps.timeScale) {
      const user = deps.state.users.get(session.userId);
      session.expiresAt =
        now + Math.min((user?.sessionTimeout ?? 0) * 1000, MAX_EXTENSION_MS) * deps.timeScale;
    }
    return { session, installation: deps.state.installations.get(session.installationToken) };
  }

  function checkSignature(request: ApiRequest): void {
    const signature = request.headers["x-bunq-client-signature"];
    if (typeof signature !== "string" || signature === "") {
      throw new BunqHttpError(466, "Request signature is required for this operation.");
    }
    const publicKey = request.installation?.clientPublicKeyPem;
    if (!publicKey || !verifyClientSignature(request.rawBody, signature, publicKey)) {
      throw new BunqHttpError(400, "The request signature is invalid.");
    }
  }

  async function handleControlRequest(req: IncomingMessage, res: ServerResponse, url: URL) {
    try {
      const json = parseJson(await readBody(req));
      const answer = handleControl(deps, req.method ?? "GET", url.pathname.slice("/_emulator".length), json);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer));
    } catch (error) {
      const status = error instanceof ControlError ? error.status : 400;
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: error instanceof Error ? error.message : "error" }));
    }
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    if (url.pathname === "/v1" || url.pathname.startsWith("/v1/")) return handleApi(req, res, url);
    if (url.pathname.startsWith("/_emulator/")) return handleControlRequest(req, res, url);
    if (url.pathname.startsWith("/oauth/"))
      return handleAuthorizePages(req, res, url, deps.state, deps.timeScale);
    if (url.pathname === "/api-oauth/v1/token") return handleToken(req, res, url, deps.state);
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("Not found");
  };
}
