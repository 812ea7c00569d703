/**
 * The Bot API endpoint `/bot<token>/<method>`: token check (401), method lookup (404, case-insensitive),
 * injected faults, spec validation, then the method handler. Every call is logged; every call the
 * emulator rejects (not injected faults) is also kept as a "rejected call" for tests to assert on.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BotApiError, notFound, unauthorized } from "./errors.js";
import type { FaultInjector } from "./faults.js";
import { answerCallbackQuery, deleteMyCommands, getMe, getMyCommands, setMyCommands } from "./methods/bot.js";
import type { MethodContext, MethodHandler } from "./methods/context.js";
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from "./methods/delivery.js";
import {
  deleteMessage,
  editMessageCaption,
  editMessageReplyMarkup,
  editMessageText,
  sendChatAction,
  sendMessage,
  sendPhoto,
} from "./methods/messages.js";
import { parseBotApiParams } from "./request-body.js";
import type { CallValidator, RawParams, UploadedFile } from "./validate.js";
import { isUpload } from "./validate.js";

const HANDLERS: Record<string, MethodHandler> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage,
  sendPhoto,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  answerCallbackQuery,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  sendChatAction,
};

export interface CallRecord {
  id: number;
  method: string;
  /** Parameters as received; uploaded files appear as {filename, size, mime_type}. */
  params: Record<string, unknown>;
  ok: boolean;
  error_code?: number;
  description?: string;
  /** True when the error was an injected fault, not the bot's mistake. */
  injected?: boolean;
  at: string;
}

export class BotApi {
  readonly calls: CallRecord[] = [];
  private nextCallId = 1;

  constructor(
    private readonly token: string,
    private readonly validator: CallValidator,
    private readonly faults: FaultInjector,
    private readonly context: Omit<MethodContext, "isClosed">,
  ) {}

  get rejectedCalls(): CallRecord[] {
    return this.calls.filter((c) => !c.ok && !c.injected);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    token: string,
    rawMethod: string,
  ): Promise<void> {
    let closed = false;
    res.on("close", () => {
      closed = true;
      this.context.hub.releaseClosedPoller();
    });
    let params: RawParams = {};
    let files = new Map<string, UploadedFile>();
    try {
      if (token !== this.token) throw unauthorized();
      ({ params, files } = await parseBotApiParams(req, url));
    } catch (error) {
      // The connection went away while the call was being read (an outage cut it): the call never
      // reached Telegram, so it is neither run nor logged as one the bot got wrong.
      if (req.socket.destroyed) return;
      const apiError = asApiError(error);
      this.record(rawMethod, params, {
        ok: false,
        error_code: apiError.errorCode,
        description: apiError.description,
      });
      send(res, apiError.errorCode, apiError.toJSON());
      return;
    }
    const outcome = await this.execute(rawMethod, params, files, () => closed);
    send(res, outcome.ok ? 200 : outcome.error_code, outcome);
  }

  /**
   * A webhook may answer an update with a method call in its response body, which Telegram executes
   * (without telling the bot the result). It is validated and logged like any other call.
   */
  async executeWebhookReply(body: Record<string, unknown>): Promise<void> {
    const { method, ...params } = body;
    if (typeof method === "string") await this.execute(method, params, new Map(), () => false);
  }

  private async execute(
    rawMethod: string,
    params: RawParams,
    files: Map<string, UploadedFile>,
    isClosed: () => boolean,
  ): Promise<{ ok: true; result: unknown; description?: string } | ReturnType<BotApiError["toJSON"]>> {
    const method = this.validator.methodName(rawMethod) ?? rawMethod;
    let injected = false;
    try {
      if (!this.validator.methodName(rawMethod)) throw notFound();
      const fault = this.faults.take(method);
      if (fault) {
        injected = true;
        throw fault;
      }
      const valid = this.validator.validate(method, params, files);
      const handler = HANDLERS[method];
      if (!handler) throw new BotApiError(501, `Not Implemented: the emulator does not support ${method}`);
      const { result, description } = await handler(valid, { ...this.context, isClosed });
      this.record(method, params, { ok: true });
      return { ok: true, result, ...(description ? { description } : {}) };
    } catch (error) {
      const apiError = asApiError(error);
      this.record(method, params, {
        ok: false,
        error_code: apiError.errorCode,
        description: apiError.description,
        ...(injected ? { injected } : {}),
      });
      return apiError.toJSON();
    }
  }

  private record(
    method: string,
    params: RawParams,
    outcome: Omit<CallRecord, "id" | "method" | "params" | "at">,
  ) {
    const shown = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [
        k,
        isUpload(v) ? { filename: v.filename, size: v.bytes.length, mime_type: v.mimeType } : v,
      ]),
    );
    this.calls.push({
      id: this.nextCallId++,
      method,
      params: shown,
      ...outcome,
      at: new Date().toISOString(),
    });
  }
}

function asApiError(error: unknown): BotApiError {
  return error instanceof BotApiError
    ? error
    : new BotApiError(500, `Internal Server Error: ${String(error)}`);
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
