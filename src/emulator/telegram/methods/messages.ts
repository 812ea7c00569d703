/**
 * sendMessage, sendPhoto, editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage,
 * sendChatAction.
 */
import { z } from "zod";
import { badRequest, MESSAGE_NOT_MODIFIED } from "../errors.js";
import { nowSeconds, type SimChat, type StoredMessage } from "../state.js";
import {
  chatIdSchema,
  checkReplyMarkup,
  entitiesSchema,
  findChat,
  findMessage,
  formatText,
  objectSchema,
  resolvePhoto,
  sameJson,
  writableChat,
} from "./common.js";
import { parseParams, type MethodContext, type MethodHandler } from "./context.js";

const replyParametersSchema = z
  .object({ message_id: z.number(), allow_sending_without_reply: z.boolean().optional() })
  .optional();

const sendMessageSchema = z.object({
  chat_id: chatIdSchema,
  text: z.string(),
  parse_mode: z.string().optional(),
  entities: entitiesSchema.optional(),
  reply_markup: objectSchema.optional(),
  link_preview_options: objectSchema.optional(),
  reply_parameters: replyParametersSchema,
});

const sendPhotoSchema = z.object({
  chat_id: chatIdSchema,
  photo: z.unknown(),
  caption: z.string().optional(),
  parse_mode: z.string().optional(),
  caption_entities: entitiesSchema.optional(),
  reply_markup: objectSchema.optional(),
  reply_parameters: replyParametersSchema,
});

const editTextSchema = z.object({
  chat_id: chatIdSchema.optional(),
  message_id: z.number().optional(),
  inline_message_id: z.string().optional(),
  text: z.string(),
  parse_mode: z.string().optional(),
  entities: entitiesSchema.optional(),
  reply_markup: objectSchema.optional(),
  link_preview_options: objectSchema.optional(),
});

const editCaptionSchema = z.object({
  chat_id: chatIdSchema.optional(),
  message_id: z.number().optional(),
  inline_message_id: z.string().optional(),
  caption: z.string().optional(),
  parse_mode: z.string().optional(),
  caption_entities: entitiesSchema.optional(),
  reply_markup: objectSchema.optional(),
});

const editMarkupSchema = z.object({
  chat_id: chatIdSchema.optional(),
  message_id: z.number().optional(),
  inline_message_id: z.string().optional(),
  reply_markup: objectSchema.optional(),
});

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

function replyTarget(chat: SimChat, reply: z.infer<typeof replyParametersSchema>): number | undefined {
  if (!reply) return undefined;
  const exists = chat.messages.some((m) => m.message_id === reply.message_id && !m.deleted);
  if (exists) return reply.message_id;
  if (reply.allow_sending_without_reply) return undefined;
  throw badRequest("message to be replied not found");
}

function storeBotMessage(ctx: MethodContext, chat: SimChat, fields: Partial<StoredMessage>): StoredMessage {
  const message: StoredMessage = {
    message_id: chat.nextMessageId++,
    chatId: chat.id,
    fromId: ctx.state.bot.id,
    date: nowSeconds(),
    edits: [],
    deleted: false,
    ...fields,
  };
  chat.messages.push(message);
  return message;
}

export const sendMessage: MethodHandler = (params, ctx) => {
  const p = parseParams(sendMessageSchema, params);
  const chat = writableChat(ctx.state, p.chat_id);
  const formatted = formatText(p.text, p.parse_mode, p.entities, "text");
  checkReplyMarkup(p.reply_markup);
  const reply_to_message_id = replyTarget(chat, p.reply_parameters);
  const message = storeBotMessage(ctx, chat, {
    text: formatted.text,
    entities: formatted.entities,
    ...(p.parse_mode ? { parse_mode: p.parse_mode } : {}),
    ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
    ...(p.link_preview_options ? { link_preview_options: p.link_preview_options } : {}),
    ...(reply_to_message_id ? { reply_to_message_id } : {}),
  });
  return { result: ctx.state.messageJson(message) };
};

export const sendPhoto: MethodHandler = (params, ctx) => {
  const p = parseParams(sendPhotoSchema, params);
  const chat = writableChat(ctx.state, p.chat_id);
  const caption =
    p.caption === undefined ? undefined : formatText(p.caption, p.parse_mode, p.caption_entities, "caption");
  checkReplyMarkup(p.reply_markup);
  const reply_to_message_id = replyTarget(chat, p.reply_parameters);
  const photo = resolvePhoto(ctx.state, p.photo);
  const message = storeBotMessage(ctx, chat, {
    photo,
    ...(caption ? { caption: caption.text, caption_entities: caption.entities } : {}),
    ...(p.parse_mode ? { parse_mode: p.parse_mode } : {}),
    ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
    ...(reply_to_message_id ? { reply_to_message_id } : {}),
  });
  return { result: ctx.state.messageJson(message) };
};

function editableMessage(
  ctx: MethodContext,
  p: {
    chat_id?: number | string | undefined;
    message_id?: number | undefined;
    inline_message_id?: string | undefined;
  },
): StoredMessage {
  if (p.inline_message_id !== undefined) throw badRequest("MESSAGE_ID_INVALID");
  if (p.chat_id === undefined) throw badRequest("chat_id is empty");
  if (p.message_id === undefined) throw badRequest("message identifier is not specified");
  const message = findMessage(findChat(ctx.state, p.chat_id), p.message_id, "message to edit not found");
  if (message.fromId !== ctx.state.bot.id) throw badRequest("message can't be edited");
  return message;
}

function applyEdit(
  message: StoredMessage,
  change: Partial<StoredMessage>,
  replyMarkup: Record<string, unknown> | undefined,
) {
  message.edits.push({
    date: message.edit_date ?? message.date,
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.caption !== undefined ? { caption: message.caption } : {}),
    ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
  });
  Object.assign(message, change);
  if (replyMarkup) message.reply_markup = replyMarkup;
  else delete message.reply_markup;
  message.edit_date = nowSeconds();
}

export const editMessageText: MethodHandler = (params, ctx) => {
  const p = parseParams(editTextSchema, params);
  const message = editableMessage(ctx, p);
  const formatted = formatText(p.text, p.parse_mode, p.entities, "text");
  checkReplyMarkup(p.reply_markup);
  if (message.text === undefined) throw badRequest("there is no text in the message to edit");
  if (
    message.text === formatted.text &&
    sameJson(message.entities ?? [], formatted.entities) &&
    sameJson(message.reply_markup, p.reply_markup)
  ) {
    throw badRequest(MESSAGE_NOT_MODIFIED);
  }
  applyEdit(
    message,
    {
      text: formatted.text,
      entities: formatted.entities,
      ...(p.parse_mode ? { parse_mode: p.parse_mode } : {}),
      ...(p.link_preview_options ? { link_preview_options: p.link_preview_options } : {}),
    },
    p.reply_markup,
  );
  return { result: ctx.state.messageJson(message) };
};

export const editMessageCaption: MethodHandler = (params, ctx) => {
  const p = parseParams(editCaptionSchema, params);
  const message = editableMessage(ctx, p);
  const caption = formatText(p.caption ?? "", p.parse_mode, p.caption_entities, "caption");
  checkReplyMarkup(p.reply_markup);
  if (!message.photo) throw badRequest("there is no caption in the message to edit");
  if (
    (message.caption ?? "") === caption.text &&
    sameJson(message.caption_entities ?? [], caption.entities) &&
    sameJson(message.reply_markup, p.reply_markup)
  ) {
    throw badRequest(MESSAGE_NOT_MODIFIED);
  }
  applyEdit(message, { caption: caption.text, caption_entities: caption.entities }, p.reply_markup);
  return { result: ctx.state.messageJson(message) };
};

export const editMessageReplyMarkup: MethodHandler = (params, ctx) => {
  const p = parseParams(editMarkupSchema, params);
  const message = editableMessage(ctx, p);
  checkReplyMarkup(p.reply_markup);
  if (sameJson(message.reply_markup, p.reply_markup)) throw badRequest(MESSAGE_NOT_MODIFIED);
  applyEdit(message, {}, p.reply_markup);
  return { result: ctx.state.messageJson(message) };
};

export const deleteMessage: MethodHandler = (params, ctx) => {
  const p = parseParams(z.object({ chat_id: chatIdSchema, message_id: z.number() }), params);
  const chat = findChat(ctx.state, p.chat_id);
  const message = findMessage(chat, p.message_id, "message to delete not found");
  if (message.fromId !== ctx.state.bot.id && chat.type !== "private")
    throw badRequest("message can't be deleted");
  message.deleted = true;
  return { result: true };
};

export const sendChatAction: MethodHandler = (params, ctx) => {
  const p = parseParams(z.object({ chat_id: chatIdSchema, action: z.string() }), params);
  const chat = writableChat(ctx.state, p.chat_id);
  if (!CHAT_ACTIONS.has(p.action)) throw badRequest("wrong parameter action in request");
  chat.actions.push({ action: p.action, at: Date.now() });
  return { result: true };
};
