/**
 * How long Telegram considers a message. Telegram refuses a text over 4096 characters and a
 * caption over 1024 ("message is too long"), counted after entity parsing: for parse_mode HTML
 * only the visible text counts (tags dropped, entities decoded), in UTF-16 code units, so an
 * emoji outside the Basic Multilingual Plane counts twice. A refused message is not shortened
 * by trying again, so every renderer in this folder measures with this before it sends.
 */

export const MESSAGE_MAX_LENGTH = 4096;
export const CAPTION_MAX_LENGTH = 1024;

export type ParseMode = "HTML";

/** A message as the renderers hand it to sendMessage/editMessageText. */
export interface FormattedText {
  text: string;
  parse_mode?: ParseMode;
}

/** The length Telegram counts for `text` sent with `parseMode` (none: the text as it is). */
export function telegramLength(text: string, parseMode?: ParseMode): number {
  return (parseMode === "HTML" ? visibleHtmlText(text) : text).length;
}

const TAG = /<[^>]*>/g;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/**
 * What a reader sees of HTML-formatted text: tags removed, then Telegram's four named entities
 * and numeric ones decoded in one pass (so "&amp;lt;" shows as "&lt;"); any other "&…;" stays as
 * typed, as Telegram leaves it.
 */
function visibleHtmlText(html: string): string {
  return html.replace(TAG, "").replace(ENTITY, (entity, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
    const codePoint = decimal !== undefined ? Number(decimal) : parseInt(hex ?? "", 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  });
}
