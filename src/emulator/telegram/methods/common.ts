/** Checks shared by the message methods: target chat, formatted text, inline keyboards and photos. */
import { z } from "zod";
import { badRequest, CHAT_NOT_FOUND, forbidden } from "../errors.js";
import { parseHtml, type MessageEntity } from "../html.js";
import { parseMarkdownLegacy, parseMarkdownV2 } from "../markdown.js";
import { randomId, type EmulatorState, type SimChat, type StoredFile, type StoredMessage } from "../state.js";
import { isUpload } from "../validate.js";

export const chatIdSchema = z.union([z.number(), z.string()]);
export const objectSchema = z.record(z.string(), z.unknown());
export const entitiesSchema = z.array(
  z.object({ type: z.string(), offset: z.number(), length: z.number() }).loose(),
) as z.ZodType<MessageEntity[]>;

/**
 * The chat the bot may write to, with Telegram's 400/403 answers otherwise: a user the bot never met is
 * "chat not found"; one it knows from a group but who never opened the private chat is 403.
 */
export function writableChat(state: EmulatorState, chatId: number | string): SimChat {
  const knownUser = [...state.chats.values()].some(
    (c) => c.type !== "private" && c.memberIds.has(Number(chatId)),
  );
  if (knownUser && !state.chats.has(Number(chatId)))
    throw forbidden("bot can't initiate conversation with a user");
  const chat = findChat(state, chatId);
  if (chat.type === "private" && !chat.botCanWrite)
    throw forbidden("bot can't initiate conversation with a user");
  if (chat.type !== "private" && !chat.botCanWrite) throw forbidden("bot was kicked from the group chat");
  return chat;
}

export function findChat(state: EmulatorState, chatId: number | string): SimChat {
  const id = typeof chatId === "number" ? chatId : /^-?\d+$/.test(chatId) ? Number(chatId) : undefined;
  const chat = id === undefined ? undefined : state.chats.get(id);
  if (!chat) throw badRequest(CHAT_NOT_FOUND);
  return chat;
}

export function findMessage(chat: SimChat, messageId: number, notFound: string): StoredMessage {
  const message = chat.messages.find((m) => m.message_id === messageId && !m.deleted);
  if (!message) throw badRequest(notFound);
  return message;
}

/** Applies parse_mode/entities and Telegram's length limits (4096 for text, 1024 for captions). */
export function formatText(
  raw: string,
  parseMode: string | undefined,
  entities: MessageEntity[] | undefined,
  kind: "text" | "caption",
): { text: string; entities: MessageEntity[] } {
  let formatted: { text: string; entities: MessageEntity[] };
  if (parseMode === undefined || parseMode === "") formatted = { text: raw, entities: entities ?? [] };
  else if (parseMode.toLowerCase() === "html") formatted = parseHtml(raw);
  else if (parseMode.toLowerCase() === "markdownv2") formatted = parseMarkdownV2(raw);
  else if (parseMode.toLowerCase() === "markdown") formatted = parseMarkdownLegacy(raw);
  else throw badRequest("unsupported parse_mode");

  if (kind === "text" && formatted.text.trim() === "") throw badRequest("message text is empty");
  if (kind === "text" && formatted.text.length > 4096) throw badRequest("message is too long");
  if (kind === "caption" && formatted.text.length > 1024) throw badRequest("message caption is too long");
  return formatted;
}

const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

/** Telegram-specific rules beyond the spec's types: one action per button, callback_data 1-64 bytes. */
export function checkReplyMarkup(markup: Record<string, unknown> | undefined): void {
  const rows = markup?.inline_keyboard;
  if (!Array.isArray(rows)) return;
  for (const row of rows as unknown[][]) {
    for (const button of row as Record<string, unknown>[]) {
      const actions = BUTTON_ACTIONS.filter((a) => button[a] !== undefined);
      if (actions.length === 0) {
        throw badRequest(
          "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        );
      }
      const data = button.callback_data;
      if (typeof data === "string" && (data.length === 0 || Buffer.byteLength(data, "utf8") > 64)) {
        throw badRequest("BUTTON_DATA_INVALID");
      }
      const url = button.url;
      if (typeof url === "string" && !isButtonUrl(url)) {
        throw badRequest(`inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`);
      }
    }
  }
}

function isButtonUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return ["http:", "https:", "tg:"].includes(parsed.protocol);
  } catch {
    return false;
  }
}

/** An uploaded photo (kept byte for byte) or a file_id sent before. */
export function resolvePhoto(state: EmulatorState, photo: unknown): StoredFile {
  if (isUpload(photo)) {
    const size = imageSize(photo.bytes);
    if (!size) throw badRequest("IMAGE_PROCESS_FAILED");
    if (
      size.width + size.height > 10_000 ||
      Math.max(size.width / size.height, size.height / size.width) > 20
    ) {
      throw badRequest("PHOTO_INVALID_DIMENSIONS");
    }
    const file: StoredFile = {
      file_id: `AgACAgQAAxk${randomId(36)}`,
      file_unique_id: `AQAD${randomId(9)}`,
      bytes: photo.bytes,
      mime_type: size.mime,
      ...size,
    };
    state.files.set(file.file_id, file);
    return file;
  }
  if (typeof photo === "string") {
    const known = state.files.get(photo);
    if (known) return known;
    if (/^https?:\/\//i.test(photo)) throw badRequest("failed to get HTTP URL content");
  }
  throw badRequest("wrong file identifier/HTTP URL specified");
}

/** Width/height of PNG, GIF and JPEG images; undefined for anything Telegram could not process. */
function imageSize(bytes: Buffer): { width: number; height: number; mime: string } | undefined {
  if (
    bytes.length >= 24 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), mime: "image/png" };
  }
  if (bytes.length >= 10 && bytes.subarray(0, 4).toString("latin1") === "GIF8") {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8), mime: "image/gif" };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length && bytes[i] === 0xff) {
      const marker = bytes[i + 1] ?? 0;
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7), mime: "image/jpeg" };
      }
      i += 2 + length;
    }
  }
  return undefined;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
