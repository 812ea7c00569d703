/**
 * The one HTTP app: Telegram webhook (when enabled), OAuth pages, /healthz and, in demo mode,
 * the demo page. Bodies are parsed per route with small limits, so a large request is refused
 * before it costs anything.
 */
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import type { Logger } from "../logger.js";
import type { ConnectService } from "../services/connect/connect-service.js";
import { oauthRoutes } from "./oauth-routes.js";
import { loggablePath, requestLog } from "./request-log.js";
import { securityHeaders, strictTransportSecurity } from "./security-headers.js";
import { messagePage } from "./pages.js";

export interface ServerDeps {
  logger: Logger;
  connect: ConnectService;
  /** PUBLIC_BASE_URL; when https, responses carry Strict-Transport-Security. */
  publicBaseUrl: string | undefined;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  /** The Telegram webhook route (bot/updates/webhook.ts), in webhook mode. */
  webhook?: { path: string; handler: RequestHandler };
  /** The offline demo's page and its API (src/demo); absent outside demo mode, so /demo is a 404. */
  demoRoutes?: RequestHandler;
  /** POST /bunq/callback/<secret> (server/bunq-callbacks.ts). */
  bunqCallbacks?: RequestHandler;
  /** TRUST_PROXY: the only proxies whose X-Forwarded-For decides a request's source address. */
  trustedProxies?: readonly string[];
}

export function createServer(deps: ServerDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustedProxies ? [...deps.trustedProxies] : false);
  app.use(securityHeaders);
  // Before the request log: the demo page polls twice a second, which would drown the log.
  if (deps.demoRoutes) app.use(deps.demoRoutes);
  app.use(requestLog(deps.logger));
  if (deps.publicBaseUrl?.startsWith("https://")) app.use(strictTransportSecurity);

  app.get("/healthz", async (_req, res) => {
    try {
      await deps.ping();
      res.json({ status: "ok" });
    } catch {
      res.status(503).json({ status: "database unavailable" });
    }
  });
  if (deps.webhook) {
    // The handler checks Telegram's secret before it reads the body (see bot/updates/webhook.ts).
    app.post(deps.webhook.path, deps.webhook.handler);
  }
  if (deps.bunqCallbacks) app.use(deps.bunqCallbacks);
  app.use(oauthRoutes(deps.connect));
  app.use((_req, res) => {
    res.status(404).type("html").send(messagePage("Not found", "There is nothing here."));
  });
  // Express's default handler would show a stack trace; log the kind of failure, show a plain page.
  app.use(((error, req, res, _next) => {
    const status = clientErrorStatus(error);
    if (status) {
      res
        .status(status)
        .type("html")
        .send(messagePage("Request refused", "This request could not be handled."));
      return;
    }
    const name = error instanceof Error ? error.name : "unknown";
    deps.logger.error({ path: loggablePath(req.path), err: { name } }, "request failed");
    res.status(500).type("html").send(messagePage("Something went wrong", "Please try again in a minute."));
  }) satisfies ErrorRequestHandler);
  return app;
}

/** The 4xx status body parsers attach to their errors (e.g. 413 for an oversized body). */
function clientErrorStatus(error: unknown): number | undefined {
  const status = typeof error === "object" && error !== null && "status" in error ? error.status : undefined;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}
