/**
 * The user side of Telegram: simulated users write messages and commands (with bot_command entities,
 * including `/start <payload>` deep links) and press inline buttons; each turns into the update Telegram
 * would deliver to the bot. Group chats follow privacy mode: the bot only sees commands, replies to it
 * and mentions of it.
 */
import type { MessageEntity } from "./html.js";
import { nowSeconds, type EmulatorState, type SimChat, type StoredMessage } from "./state.js";
import type { UpdateHub } from "./updates.js";

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface UserMessageInput {
  user_id: number;
  chat_id?: number | undefined;
  text: string;
  reply_to_message_id?: number | undefined;
}

export interface ButtonPressInput {
  user_id: number;
  chat_id: number;
  message_id: number;
  callback_data?: string | undefined;
  text?: string | undefined;
}

export class UserSimulator {
  constructor(
    private readonly state: EmulatorState,
    private readonly hub: UpdateHub,
  ) {}

  sendMessage(input: UserMessageInput) {
    const user = this.user(input.user_id);
    const chat = input.chat_id === undefined ? this.state.privateChat(user.id) : this.chat(input.chat_id);
    if (chat.type === "private") {
      if (chat.id !== user.id)
        throw new ControlError(400, "only the chat's user can write in a private chat");
      chat.botCanWrite = true;
    } else {
      chat.memberIds.add(user.id);
    }
    const entities = commandEntities(input.text);
    const message: StoredMessage = {
      message_id: chat.nextMessageId++,
      chatId: chat.id,
      fromId: user.id,
      date: nowSeconds(),
      text: input.text,
      ...(entities.length ? { entities } : {}),
      ...(input.reply_to_message_id ? { reply_to_message_id: input.reply_to_message_id } : {}),
      edits: [],
      deleted: false,
    };
    chat.messages.push(message);
    const visible = chat.type === "private" || this.botSeesInGroup(chat, message, entities);
    const update_id = visible
      ? this.hub.enqueue("message", this.state.messageJson(message), chat.id)
      : undefined;
    return {
      message: this.state.messageJson(message),
      update_id: update_id ?? null,
      delivered: update_id !== undefined,
    };
  }

  /** Presses a button that exists on the message: url buttons just return their URL. */
  pressButton(input: ButtonPressInput) {
    const user = this.user(input.user_id);
    const chat = this.chat(input.chat_id);
    const message = chat.messages.find((m) => m.message_id === input.message_id && !m.deleted);
    if (!message) throw new ControlError(404, "message not found");
    const rows = message.reply_markup?.inline_keyboard;
    const buttons = Array.isArray(rows) ? (rows as Record<string, unknown>[][]).flat() : [];
    const button = buttons.find((b) =>
      input.callback_data !== undefined ? b.callback_data === input.callback_data : b.text === input.text,
    );
    if (!button) throw new ControlError(404, "no such inline button on that message");
    if (typeof button.url === "string") return { url: button.url, callback_query_id: null, update_id: null };
    if (typeof button.callback_data !== "string")
      throw new ControlError(400, "button is neither url nor callback");
    const id = String(BigInt(user.id) * 4_294_967_296n + BigInt(Math.floor(Math.random() * 2 ** 31)));
    this.state.callbackQueries.set(id, {
      id,
      chatId: chat.id,
      messageId: message.message_id,
      fromId: user.id,
      data: button.callback_data,
      createdAt: Date.now(),
    });
    const update_id = this.hub.enqueue(
      "callback_query",
      {
        id,
        from: user,
        message: this.state.messageJson(message),
        chat_instance: `-${Math.abs(chat.id) * 7919}`,
        data: button.callback_data,
      },
      chat.id,
    );
    return { url: null, callback_query_id: id, update_id: update_id ?? null };
  }

  private botSeesInGroup(chat: SimChat, message: StoredMessage, entities: MessageEntity[]): boolean {
    const username = this.state.bot.username.toLowerCase();
    const text = message.text ?? "";
    const commandForUs = entities.some((e) => {
      const command = text.slice(e.offset, e.offset + e.length);
      const at = command.indexOf("@");
      return at < 0 || command.slice(at + 1).toLowerCase() === username;
    });
    const repliesToBot = chat.messages.some(
      (m) => m.message_id === message.reply_to_message_id && m.fromId === this.state.bot.id,
    );
    return commandForUs || repliesToBot || text.toLowerCase().includes(`@${username}`);
  }

  private user(id: number) {
    const user = this.state.users.get(id);
    if (!user) throw new ControlError(404, `user ${id} not found; create it with POST /_emulator/users`);
    return user;
  }

  private chat(id: number) {
    const chat = this.state.chats.get(id);
    if (!chat) throw new ControlError(404, `chat ${id} not found`);
    return chat;
  }
}

/** Telegram marks every "/command" or "/command@bot" that starts the text or follows whitespace. */
export function commandEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const m of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@])/g)) {
    entities.push({
      type: "bot_command",
      offset: (m.index ?? 0) + (m[1]?.length ?? 0),
      length: m[2]?.length ?? 0,
    });
  }
  return entities;
}
