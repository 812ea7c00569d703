/**
 * Injected failures for the next N calls of a method: 429 with retry_after (Telegram's flood control)
 * or a 5xx. Injected answers are logged as calls but never counted as the bot's rejected calls.
 */
import { z } from "zod";
import { BotApiError } from "./errors.js";

export const faultSchema = z.object({
  /** Bot API method name (case-insensitive) or "*" for every method. */
  method: z.string().default("*"),
  kind: z.enum(["rate-limit", "server-error"]),
  retry_after: z.number().int().positive().default(1),
  status: z.number().int().min(500).max(599).default(500),
  times: z.number().int().positive().default(1),
});
export type FaultInput = z.input<typeof faultSchema>;

const STATUS_TEXT: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export class FaultInjector {
  private faults: (z.infer<typeof faultSchema> & { remaining: number })[] = [];

  add(input: unknown): void {
    const fault = faultSchema.parse(input);
    this.faults.push({ ...fault, remaining: fault.times });
  }

  clear(): void {
    this.faults = [];
  }

  /** The error to answer instead of running `method`, consuming one use of the matching fault. */
  take(method: string): BotApiError | undefined {
    const fault = this.faults.find(
      (f) => f.method === "*" || f.method.toLowerCase() === method.toLowerCase(),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    if (fault.kind === "rate-limit") {
      return new BotApiError(429, `Too Many Requests: retry after ${fault.retry_after}`, {
        retry_after: fault.retry_after,
      });
    }
    return new BotApiError(fault.status, STATUS_TEXT[fault.status] ?? "Internal Server Error");
  }
}
