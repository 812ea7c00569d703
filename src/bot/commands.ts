/**
 * The command menu depends on whether a chat is connected, so a new user is not shown
 * commands that cannot work yet. Lists are set per chat (BotCommandScopeChat).
 */
import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";

const common: BotCommand[] = [
  { command: "help", description: "What this bot can do" },
  { command: "cancel", description: "Stop what is in progress" },
];

export const notConnectedCommands: BotCommand[] = [
  { command: "connect", description: "Connect your bunq account" },
  ...common,
];

export const connectedCommands: BotCommand[] = [
  { command: "balance", description: "Balances of all your accounts" },
  { command: "transactions", description: "Recent payments of an account" },
  { command: "pay", description: "Send money" },
  { command: "request", description: "Ask for money with a link" },
  { command: "notifications", description: "Messages when money moves" },
  { command: "disconnect", description: "Disconnect your bunq account" },
  { command: "connect", description: "Reconnect your bunq account" },
  ...common,
];

/** Commands that touch bunq: refused in groups, where other members would see the answers. */
export const financialCommands = [
  "connect",
  "balance",
  "transactions",
  "pay",
  "request",
  "notifications",
  "disconnect",
];

/** The default menu, for chats the bot has no specific list for. */
export async function setDefaultCommands(api: Api): Promise<void> {
  await api.setMyCommands(notConnectedCommands);
}

export async function setChatCommands(api: Api, chatId: number, connected: boolean): Promise<void> {
  await api.setMyCommands(connected ? connectedCommands : notConnectedCommands, {
    scope: { type: "chat", chat_id: chatId },
  });
}
