/** getUpdates and the webhook methods. */
import { z } from "zod";
import { badRequest } from "../errors.js";
import { parseParams, type MethodHandler } from "./context.js";

export const getUpdates: MethodHandler = async (params, ctx) => {
  const p = parseParams(
    z.object({
      offset: z.number().optional(),
      limit: z.number().optional(),
      timeout: z.number().optional(),
      allowed_updates: z.array(z.string()).optional(),
    }),
    params,
  );
  const result = await ctx.hub.getUpdates(
    {
      ...(p.offset !== undefined ? { offset: p.offset } : {}),
      limit: Math.min(Math.max(p.limit ?? 100, 1), 100),
      timeoutSeconds: Math.max(p.timeout ?? 0, 0),
      ...(p.allowed_updates ? { allowed_updates: p.allowed_updates } : {}),
    },
    ctx.isClosed,
  );
  return { result };
};

export const setWebhook: MethodHandler = (params, ctx) => {
  const p = parseParams(
    z.object({
      url: z.string(),
      max_connections: z.number().optional(),
      allowed_updates: z.array(z.string()).optional(),
      drop_pending_updates: z.boolean().optional(),
      secret_token: z.string().optional(),
    }),
    params,
  );
  if (p.url === "") return deleteWebhook(params, ctx);
  let url: URL;
  try {
    url = new URL(p.url);
  } catch {
    throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
  }
  // Deliberately lenient: Telegram demands HTTPS on ports 443/80/88/8443; tests use http://127.0.0.1:<port>.
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  }
  if (p.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(p.secret_token)) {
    throw badRequest("secret token contains unallowed characters");
  }
  const maxConnections = p.max_connections ?? 40;
  if (maxConnections < 1 || maxConnections > 100)
    throw badRequest("bad webhook: max_connections must be 1-100");
  const unchanged =
    ctx.hub.webhook?.url === p.url &&
    ctx.hub.webhook.secret_token === p.secret_token &&
    ctx.hub.webhook.max_connections === maxConnections &&
    JSON.stringify(ctx.hub.webhook.allowed_updates) === JSON.stringify(p.allowed_updates);
  if (p.drop_pending_updates) ctx.hub.dropPending();
  ctx.hub.setWebhook({
    url: p.url,
    max_connections: maxConnections,
    ...(p.secret_token !== undefined ? { secret_token: p.secret_token } : {}),
    ...(p.allowed_updates ? { allowed_updates: p.allowed_updates } : {}),
  });
  return { result: true, description: unchanged ? "Webhook is already set" : "Webhook was set" };
};

export const deleteWebhook: MethodHandler = (params, ctx) => {
  const p = parseParams(z.object({ drop_pending_updates: z.boolean().optional() }), params);
  const wasSet = ctx.hub.webhook !== undefined;
  if (p.drop_pending_updates) ctx.hub.dropPending();
  ctx.hub.setWebhook(undefined);
  return { result: true, description: wasSet ? "Webhook was deleted" : "Webhook is already deleted" };
};

export const getWebhookInfo: MethodHandler = (_params, ctx) => {
  const webhook = ctx.hub.webhook;
  return {
    result: {
      url: webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: ctx.hub.pendingCount,
      ...(webhook ? { max_connections: webhook.max_connections, ip_address: "127.0.0.1" } : {}),
      ...(webhook?.allowed_updates ? { allowed_updates: webhook.allowed_updates } : {}),
      ...(ctx.hub.lastError
        ? { last_error_date: ctx.hub.lastError.date, last_error_message: ctx.hub.lastError.message }
        : {}),
    },
  };
};
