/** The update types the bot handles; sent as allowed_updates with getUpdates and setWebhook. */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;
