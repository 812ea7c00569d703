/**
 * "Telegram is unreachable for a while". Every Bot API connection is reset before the call is read,
 * so nothing runs and nothing is logged — the bot's request never reached Telegram. Calls under way
 * when the outage starts are cut too, as a lost route would. Webhook deliveries wait; updates that
 * arrive meanwhile are kept, as Telegram keeps them, and flow again when the outage ends.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { UpdateHub } from "./updates.js";

export const outageSchema = z.object({
  /** Wall-clock milliseconds, not scaled by timeScale: the fault suite times the outage itself. */
  ms: z.number().int().positive(),
});

export class Outage {
  private until = 0;
  private readonly open = new Set<IncomingMessage>();

  constructor(private readonly hub: UpdateHub) {}

  get active(): boolean {
    return Date.now() < this.until;
  }

  start(input: unknown): { ok: true; until: string } {
    const { ms } = outageSchema.parse(input);
    this.until = Date.now() + ms;
    this.hub.pauseDeliveries(this.until);
    for (const req of this.open) req.socket.resetAndDestroy();
    this.open.clear();
    return { ok: true, until: new Date(this.until).toISOString() };
  }

  end(): void {
    this.until = 0;
    this.hub.pauseDeliveries(0);
  }

  /** True when the Bot API call may go ahead; during an outage its connection is reset instead. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.active) {
      req.socket.resetAndDestroy();
      return false;
    }
    this.open.add(req);
    res.on("close", () => this.open.delete(req));
    return true;
  }
}
