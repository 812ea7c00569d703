/** Inline keyboards used by the features. */
import { InlineKeyboard } from "grammy";
import { reconnectData } from "./callback-data.js";

export const authorizeKeyboard = (url: string) => new InlineKeyboard().url("Open bunq to authorize", url);

export const reconnectKeyboard = () => new InlineKeyboard().text("Reconnect", reconnectData);
