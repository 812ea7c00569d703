/**
 * A chat as a person would see it: bot and user messages in order, with formatting, buttons, photos
 * (bytes as base64 plus a URL for the raw file), edits applied (history kept) and deletions marked.
 */
import type { EmulatorState, SimChat, StoredMessage } from "./state.js";

export function transcriptMessage(state: EmulatorState, message: StoredMessage, controlUrl: string) {
  const fromBot = message.fromId === state.bot.id;
  const rows = message.reply_markup?.inline_keyboard;
  return {
    message_id: message.message_id,
    sender: fromBot ? ("bot" as const) : ("user" as const),
    from_id: message.fromId,
    date: message.date,
    ...(message.text !== undefined ? { text: message.text } : {}),
    entities: message.entities ?? [],
    ...(message.parse_mode ? { parse_mode: message.parse_mode } : {}),
    ...(message.caption !== undefined
      ? { caption: message.caption, caption_entities: message.caption_entities ?? [] }
      : {}),
    ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
    buttons: Array.isArray(rows) ? (rows as Record<string, unknown>[][]) : [],
    ...(message.link_preview_options ? { link_preview_options: message.link_preview_options } : {}),
    ...(message.photo
      ? {
          photo: {
            file_id: message.photo.file_id,
            width: message.photo.width,
            height: message.photo.height,
            mime_type: message.photo.mime_type,
            size: message.photo.bytes.length,
            base64: message.photo.bytes.toString("base64"),
            url: `${controlUrl}/files/${encodeURIComponent(message.photo.file_id)}`,
          },
        }
      : {}),
    ...(message.reply_to_message_id ? { reply_to_message_id: message.reply_to_message_id } : {}),
    edited: message.edit_date !== undefined,
    edits: message.edits,
    deleted: message.deleted,
  };
}

export function transcript(state: EmulatorState, chat: SimChat, controlUrl: string) {
  return {
    chat: state.chatJson(chat),
    messages: chat.messages.map((m) => transcriptMessage(state, m, controlUrl)),
    actions: chat.actions,
  };
}

export type Transcript = ReturnType<typeof transcript>;
