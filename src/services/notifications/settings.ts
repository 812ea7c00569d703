/** A chat's choices about money notices: on or off, and the smallest amount worth a message. */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { bunqConnections, telegramChats } from "../../db/schema.js";
import type { CallbackAvailability } from "./registration.js";

export interface NotificationSettings {
  readonly enabled: boolean;
  /** In minor units of whatever currency moves (cents for EUR). */
  readonly minimumMinor: bigint;
  /** Whether bunq's callbacks reach us for this chat at all (undefined: not connected). */
  readonly availability?: CallbackAvailability;
}

export class NotificationSettingsStore {
  /** `available`: bunq can reach our callback URL at all (see bunqCallbackPrefix). */
  constructor(
    private readonly db: Database,
    readonly available: boolean,
  ) {}

  async get(chatId: number): Promise<NotificationSettings | undefined> {
    const [row] = await this.db
      .select({
        enabled: telegramChats.notificationsEnabled,
        minimumMinor: telegramChats.notificationsMinimumMinor,
        registeredAt: bunqConnections.callbacksRegisteredAt,
        unavailable: bunqConnections.callbacksUnavailable,
        status: bunqConnections.status,
      })
      .from(telegramChats)
      .leftJoin(bunqConnections, eq(bunqConnections.chatId, telegramChats.chatId))
      .where(eq(telegramChats.chatId, chatId));
    if (!row) return undefined;
    const availability: CallbackAvailability | undefined =
      row.status !== "active" ? undefined : row.registeredAt ? "on" : (row.unavailable ?? "failed");
    return {
      enabled: row.enabled,
      minimumMinor: row.minimumMinor,
      ...(availability ? { availability } : {}),
    };
  }

  async update(chatId: number, change: { enabled?: boolean; minimumMinor?: bigint }): Promise<void> {
    await this.db
      .update(telegramChats)
      .set({
        ...(change.enabled !== undefined ? { notificationsEnabled: change.enabled } : {}),
        ...(change.minimumMinor !== undefined ? { notificationsMinimumMinor: change.minimumMinor } : {}),
        updatedAt: new Date(),
      })
      .where(eq(telegramChats.chatId, chatId));
  }
}
