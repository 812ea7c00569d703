/**
 * Everything the emulated Telegram server knows: the bot, simulated users and chats, every message in
 * every chat (bot and user side, with edits and deletions), stored files, commands and callback queries.
 * One bot per emulator; users and chats are created through the control API.
 */
import { randomBytes } from "node:crypto";
import type { MessageEntity } from "./html.js";

export interface BotIdentity {
  id: number;
  token: string;
  username: string;
  first_name: string;
}

export interface SimUser {
  id: number;
  is_bot: false;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface SimChat {
  id: number;
  type: "private" | "group" | "supergroup";
  title?: string;
  /** Private chats: the user; groups: members besides the bot. */
  memberIds: Set<number>;
  /** A private chat exists for the bot only once the user wrote to it (Telegram: "can't initiate"). */
  botCanWrite: boolean;
  nextMessageId: number;
  messages: StoredMessage[];
  actions: { action: string; at: number }[];
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  bytes: Buffer;
  mime_type: string;
  width: number;
  height: number;
}

export interface StoredMessage {
  message_id: number;
  chatId: number;
  /** Bot messages have from = bot; user messages the simulated user. */
  fromId: number;
  date: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  /** The parse_mode the bot sent, so tests can check what the bot asked for. */
  parse_mode?: string;
  photo?: StoredFile;
  reply_markup?: Record<string, unknown>;
  link_preview_options?: Record<string, unknown>;
  reply_to_message_id?: number;
  edit_date?: number;
  edits: { date: number; text?: string; caption?: string; reply_markup?: Record<string, unknown> }[];
  deleted: boolean;
}

export interface CallbackQueryRecord {
  id: string;
  chatId: number;
  messageId: number;
  fromId: number;
  data: string;
  createdAt: number;
  answer?: { text?: string; show_alert?: boolean; url?: string; cache_time?: number; at: number };
}

export interface CommandList {
  scope: Record<string, unknown>;
  language_code: string;
  commands: { command: string; description: string }[];
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const randomId = (bytes: number) => randomBytes(bytes).toString("base64url");

export class EmulatorState {
  users = new Map<number, SimUser>();
  chats = new Map<number, SimChat>();
  files = new Map<string, StoredFile>();
  callbackQueries = new Map<string, CallbackQueryRecord>();
  /** Keyed by scopeKey + language code. */
  commands = new Map<string, CommandList>();
  private nextGroupId = 1;

  constructor(readonly bot: BotIdentity) {}

  reset(): void {
    this.users.clear();
    this.chats.clear();
    this.files.clear();
    this.callbackQueries.clear();
    this.commands.clear();
  }

  botUser() {
    return {
      id: this.bot.id,
      is_bot: true,
      first_name: this.bot.first_name,
      username: this.bot.username,
    };
  }

  ensureUser(input: Partial<SimUser> & { id?: number }): SimUser {
    const id = input.id ?? 100_000 + this.users.size + 1;
    const existing = this.users.get(id);
    const user: SimUser = {
      ...existing,
      id,
      is_bot: false,
      first_name: input.first_name ?? existing?.first_name ?? `User ${id}`,
      ...(input.last_name !== undefined ? { last_name: input.last_name } : {}),
      ...(input.username !== undefined ? { username: input.username } : {}),
      ...(input.language_code !== undefined ? { language_code: input.language_code } : {}),
    };
    this.users.set(id, user);
    return user;
  }

  /** The private chat between a user and the bot (chat id = user id, as in Telegram). */
  privateChat(userId: number): SimChat {
    const existing = this.chats.get(userId);
    if (existing) return existing;
    const chat = newChat(userId, "private", [userId]);
    this.chats.set(userId, chat);
    return chat;
  }

  createGroup(title: string, memberIds: number[], type: "group" | "supergroup"): SimChat {
    const n = this.nextGroupId++;
    const id = type === "supergroup" ? -1_000_000_000_000 - n : -4_000_000_000 - n;
    const chat = newChat(id, type, memberIds, title);
    chat.botCanWrite = true;
    this.chats.set(id, chat);
    return chat;
  }

  /** Chat JSON as Telegram puts it in Message.chat. */
  chatJson(chat: SimChat) {
    if (chat.type === "private") {
      const user = this.users.get(chat.id);
      return {
        id: chat.id,
        type: chat.type,
        first_name: user?.first_name ?? "",
        ...(user?.last_name ? { last_name: user.last_name } : {}),
        ...(user?.username ? { username: user.username } : {}),
      };
    }
    return {
      id: chat.id,
      type: chat.type,
      title: chat.title ?? "",
      ...(chat.type === "group" ? { all_members_are_administrators: false } : {}),
    };
  }

  /** Message JSON as the Bot API returns and delivers it. */
  messageJson(message: StoredMessage): Record<string, unknown> {
    const chat = this.chats.get(message.chatId);
    const from = message.fromId === this.bot.id ? this.botUser() : this.users.get(message.fromId);
    const replyTo = message.reply_to_message_id
      ? chat?.messages.find((m) => m.message_id === message.reply_to_message_id)
      : undefined;
    return {
      message_id: message.message_id,
      from,
      chat: chat ? this.chatJson(chat) : { id: message.chatId, type: "private" },
      date: message.date,
      ...(message.edit_date ? { edit_date: message.edit_date } : {}),
      ...(replyTo ? { reply_to_message: { ...this.messageJson(replyTo), reply_to_message: undefined } } : {}),
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.entities?.length ? { entities: message.entities } : {}),
      ...(message.link_preview_options ? { link_preview_options: message.link_preview_options } : {}),
      ...(message.photo ? { photo: [photoSize(message.photo)] } : {}),
      ...(message.caption !== undefined ? { caption: message.caption } : {}),
      ...(message.caption_entities?.length ? { caption_entities: message.caption_entities } : {}),
      ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
    };
  }
}

export function photoSize(file: StoredFile) {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.bytes.length,
    width: file.width,
    height: file.height,
  };
}

function newChat(id: number, type: SimChat["type"], memberIds: number[], title?: string): SimChat {
  return {
    id,
    type,
    ...(title !== undefined ? { title } : {}),
    memberIds: new Set(memberIds),
    botCanWrite: false,
    nextMessageId: 1,
    messages: [],
    actions: [],
  };
}
