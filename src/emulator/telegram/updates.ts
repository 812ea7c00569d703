/**
 * The bot's update queue and both delivery modes Telegram offers:
 * - getUpdates long polling (offset confirms, limit, timeout, allowed_updates, 409 while a webhook is set
 *   or when a newer getUpdates replaces a waiting one);
 * - webhook POSTs with X-Telegram-Bot-Api-Secret-Token, one chat's updates strictly in order (the next
 *   only after the previous got a 2xx), retried with bounded exponential backoff, up to max_connections
 *   deliveries in parallel across chats.
 */
import { BotApiError } from "./errors.js";

export interface WebhookConfig {
  url: string;
  secret_token?: string;
  max_connections: number;
  allowed_updates?: string[];
}

interface PendingUpdate {
  update: { update_id: number } & Record<string, unknown>;
  chatKey: string;
  attempts: number;
  nextAttemptAt: number;
  inFlight: boolean;
}

export interface DeliveryTiming {
  /** Multiplies retry backoff (1 s, 2 s, 4 s ... capped at 60 s). */
  timeScale: number;
  /** Deliveries of one update before it is dropped. */
  maxAttempts: number;
  /** Webhook request timeout (not scaled; Telegram waits about a minute). */
  requestTimeoutMs: number;
}

const HISTORY_LIMIT = 1000;

/** Telegram's default when allowed_updates is empty: everything but these. */
const NOT_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export class UpdateHub {
  private queue: PendingUpdate[] = [];
  private nextUpdateId: number;
  private allowedUpdates: string[] = [];
  private poller:
    { wake: () => void; conflict: (reason: string) => void; isClosed: () => boolean } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<AbortController>();
  private closed = false;
  /** No webhook delivery starts before this time (an outage); deliveries under way finish. */
  private pausedUntil = 0;
  webhook: WebhookConfig | undefined;
  /** Runs a method call the webhook returned in its 2xx response body, as Telegram does. */
  onWebhookReply: ((body: Record<string, unknown>) => Promise<void>) | undefined;
  lastError: { date: number; message: string } | undefined;
  /** Recent updates by id, so tests can fetch one or have it delivered again (as Telegram does after a failure). */
  private readonly history = new Map<number, { update: PendingUpdate["update"]; chatKey: string }>();
  /** Every delivery attempt, for tests of ordering and retries. */
  readonly deliveryLog: { update_id: number; status: number | string; at: number }[] = [];

  constructor(
    private readonly timing: DeliveryTiming,
    firstUpdateId: number,
  ) {
    this.nextUpdateId = firstUpdateId;
  }

  /** Queues an update unless the bot's allowed_updates exclude its type; returns its id if queued. */
  enqueue(type: string, payload: Record<string, unknown>, chatId: number): number | undefined {
    const allowed = this.webhook?.allowed_updates?.length
      ? this.webhook.allowed_updates
      : this.allowedUpdates;
    if (allowed.length > 0 ? !allowed.includes(type) : NOT_DEFAULT.has(type)) return undefined;
    const update_id = this.nextUpdateId++;
    const update = { update_id, [type]: payload };
    this.history.set(update_id, { update, chatKey: String(chatId) });
    if (this.history.size > HISTORY_LIMIT) this.history.delete(this.history.keys().next().value ?? update_id);
    this.push(update, String(chatId));
    return update_id;
  }

  /** A past update, or undefined when unknown or too old. */
  find(updateId: number): Record<string, unknown> | undefined {
    return this.history.get(updateId)?.update;
  }

  /** Queues a past update again with the same update_id, to test that the bot ignores duplicates. */
  redeliver(updateId: number): boolean {
    const past = this.history.get(updateId);
    if (!past) return false;
    this.push(past.update, past.chatKey);
    return true;
  }

  private push(update: PendingUpdate["update"], chatKey: string): void {
    this.queue.push({ update, chatKey, attempts: 0, nextAttemptAt: 0, inFlight: false });
    this.poller?.wake();
    this.pump();
  }

  get pendingCount(): number {
    return this.queue.length;
  }

  dropPending(): void {
    this.queue = this.queue.filter((p) => p.inFlight);
  }

  reset(): void {
    this.dropPending();
    this.webhook = undefined;
    this.lastError = undefined;
    this.allowedUpdates = [];
    this.deliveryLog.length = 0;
  }

  /** Holds webhook deliveries until `until` (epoch ms; 0 resumes at once). Queued updates stay queued. */
  pauseDeliveries(until: number): void {
    this.pausedUntil = until;
    this.pump();
  }

  setAllowedUpdates(types: string[] | undefined): void {
    if (types) this.allowedUpdates = types;
  }

  setWebhook(config: WebhookConfig | undefined): void {
    this.webhook = config;
    this.lastError = undefined;
    if (config?.allowed_updates) this.allowedUpdates = config.allowed_updates;
    if (config) this.poller?.conflict("Conflict: terminated by setWebhook request");
    this.pump();
  }

  async getUpdates(
    params: { offset?: number; limit: number; timeoutSeconds: number; allowed_updates?: string[] },
    isClosed: () => boolean,
  ): Promise<Record<string, unknown>[]> {
    if (this.webhook) {
      throw new BotApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    this.setAllowedUpdates(params.allowed_updates);
    this.confirm(params.offset);
    await this.replacePoller();

    const deadline = Date.now() + params.timeoutSeconds * 1000;
    for (;;) {
      const ready = this.queue.slice(0, params.limit).map((p) => p.update);
      if (ready.length > 0 || Date.now() >= deadline || this.closed) return ready;
      let poller: NonNullable<UpdateHub["poller"]> | undefined;
      const outcome = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), deadline - Date.now());
        poller = {
          wake: () => (clearTimeout(timer), resolve(undefined)),
          conflict: (reason) => (clearTimeout(timer), resolve(reason)),
          isClosed,
        };
        this.poller = poller;
      });
      if (this.poller === poller) this.poller = undefined;
      if (outcome !== undefined) throw new BotApiError(409, outcome);
      if (isClosed()) return [];
    }
  }

  /**
   * A newer getUpdates ends a waiting one with 409, as Telegram does. A client that stops polling aborts
   * its request and immediately sends a final getUpdates to confirm the offset; give the aborted
   * connection's close a moment to arrive so that no 409 is recorded for a request nobody waits for.
   */
  private async replacePoller(): Promise<void> {
    for (let i = 0; i < 5 && this.poller && !this.poller.isClosed(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (this.poller?.isClosed()) this.poller.wake();
    else
      this.poller?.conflict(
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      );
  }

  /** Ends a long poll whose client went away. */
  releaseClosedPoller(): void {
    if (this.poller?.isClosed()) this.poller.wake();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.poller?.wake();
    for (const controller of this.inFlight) controller.abort();
  }

  /** offset confirms every update below it; a negative offset keeps only the last -offset updates. */
  private confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      this.queue = this.queue.slice(offset);
      return;
    }
    this.queue = this.queue.filter((p) => p.update.update_id >= offset);
  }

  private pump(): void {
    const webhook = this.webhook;
    if (!webhook || this.closed) return;
    clearTimeout(this.retryTimer);
    const pausedFor = this.pausedUntil - Date.now();
    if (pausedFor > 0) {
      this.retryTimer = setTimeout(() => this.pump(), pausedFor);
      return;
    }
    const blockedChats = new Set<string>();
    let inFlight = this.queue.filter((p) => p.inFlight).length;
    let nextRetry = Infinity;
    const now = Date.now();
    for (const pending of this.queue) {
      if (blockedChats.has(pending.chatKey)) continue;
      blockedChats.add(pending.chatKey);
      if (pending.inFlight) continue;
      if (pending.nextAttemptAt > now) {
        nextRetry = Math.min(nextRetry, pending.nextAttemptAt);
        continue;
      }
      if (inFlight >= webhook.max_connections) break;
      inFlight++;
      void this.deliver(pending, webhook);
    }
    if (nextRetry !== Infinity) this.retryTimer = setTimeout(() => this.pump(), nextRetry - now);
  }

  private async runWebhookReply(text: string, contentType: string): Promise<void> {
    if (!contentType.includes("application/json") || !this.onWebhookReply) return;
    const body = parseReply(text);
    if (typeof body?.method === "string") await this.onWebhookReply(body);
  }

  private async deliver(pending: PendingUpdate, webhook: WebhookConfig): Promise<void> {
    pending.inFlight = true;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.timing.requestTimeoutMs);
    let status: number | string;
    try {
      const response = await fetch(webhook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(webhook.secret_token ? { "x-telegram-bot-api-secret-token": webhook.secret_token } : {}),
        },
        body: JSON.stringify(pending.update),
        signal: controller.signal,
      });
      const reply = await response.text().catch(() => "");
      status = response.status;
      if (response.ok) await this.runWebhookReply(reply, response.headers.get("content-type") ?? "");
      if (!response.ok) {
        this.lastError = {
          date: Math.floor(Date.now() / 1000),
          message: `Wrong response from the webhook: ${response.status} ${response.statusText}`,
        };
      }
    } catch (error) {
      status = connectionErrorMessage(error, controller.signal.aborted);
      this.lastError = { date: Math.floor(Date.now() / 1000), message: status };
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
      pending.inFlight = false;
    }
    this.deliveryLog.push({ update_id: pending.update.update_id, status, at: Date.now() });
    pending.attempts++;
    if (
      (typeof status === "number" && status >= 200 && status < 300) ||
      pending.attempts >= this.timing.maxAttempts
    ) {
      this.queue = this.queue.filter((p) => p !== pending);
    } else {
      const backoff = Math.min(1000 * 2 ** (pending.attempts - 1), 60_000) * this.timing.timeScale;
      pending.nextAttemptAt = Date.now() + backoff;
    }
    this.pump();
  }
}

function parseReply(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function connectionErrorMessage(error: unknown, timedOut: boolean): string {
  if (timedOut) return "Connection timed out";
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "";
  if (code === "ECONNREFUSED") return "Connection refused";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "Connection reset by peer";
  return "Connection failed";
}
