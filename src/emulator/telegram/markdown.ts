/**
 * Telegram's `parse_mode: "MarkdownV2"` and legacy `"Markdown"`, following the rules of
 * https://core.telegram.org/bots/api#formatting-options: plain text plus entities (UTF-16 offsets), or
 * Telegram's "can't parse entities: ..." errors with UTF-8 byte offsets. The classic bot bug this catches
 * is an unescaped reserved character such as "." or "!" in MarkdownV2.
 */
import { badRequest } from "./errors.js";
import type { MessageEntity } from "./html.js";

const fail = (detail: string) => badRequest(`can't parse entities: ${detail}`);
const RESERVED = "_*[]()~`>#+-=|{}.!";

type V2Type =
  "Bold" | "Italic" | "Underline" | "Strikethrough" | "Spoiler" | "Code" | "Pre" | "TextUrl" | "CustomEmoji";

const ENTITY_TYPES: Record<V2Type, string> = {
  Bold: "bold",
  Italic: "italic",
  Underline: "underline",
  Strikethrough: "strikethrough",
  Spoiler: "spoiler",
  Code: "code",
  Pre: "pre",
  TextUrl: "text_link",
  CustomEmoji: "custom_emoji",
};

interface Open {
  type: V2Type;
  byteOffset: number;
  offset: number;
  language?: string;
}

const isEscapable = (ch: string | undefined) =>
  ch !== undefined && ch.charCodeAt(0) > 0 && ch.charCodeAt(0) <= 126;

export function parseMarkdownV2(input: string): { text: string; entities: MessageEntity[] } {
  let text = "";
  const entities: MessageEntity[] = [];
  const open: Open[] = [];
  const bytes = (index: number) => Buffer.byteLength(input.slice(0, index), "utf8");
  let quoteStart: number | undefined;

  for (let i = 0; i < input.length; i++) {
    const c = input[i] ?? "";
    const next = input[i + 1];
    if (c === "\\" && isEscapable(next)) {
      text += next;
      i++;
      continue;
    }
    const top = open.at(-1);
    const inCode = top?.type === "Code" || top?.type === "Pre";
    if (c === ">" && !inCode && (i === 0 || input[i - 1] === "\n")) {
      quoteStart ??= text.length;
      continue;
    }
    if (c === "\n" && quoteStart !== undefined && input[i + 1] !== ">") {
      entities.push({ type: "blockquote", offset: quoteStart, length: text.length - quoteStart });
      quoteStart = undefined;
    }
    if (!(inCode ? "`" : RESERVED).includes(c)) {
      text += c;
      continue;
    }
    if (top && closes(top.type, input, i)) {
      const entity: MessageEntity = {
        type: ENTITY_TYPES[top.type],
        offset: top.offset,
        length: text.length - top.offset,
      };
      if (top.type === "Underline" || top.type === "Spoiler") i++;
      if (top.type === "Pre") {
        i += 2;
        if (top.language) entity.language = top.language;
      }
      if (top.type === "TextUrl" || top.type === "CustomEmoji") {
        let url = "";
        if (input[i + 1] === "(") {
          i += 2;
          const urlStart = i;
          while (i < input.length && input[i] !== ")") {
            if (input[i] === "\\" && isEscapable(input[i + 1])) i++;
            url += input[i] ?? "";
            i++;
          }
          if (input[i] !== ")") throw fail(`Can't find end of a URL at byte offset ${bytes(urlStart)}`);
        } else {
          url = text.slice(top.offset);
        }
        if (top.type === "TextUrl") entity.url = url;
        else entity.custom_emoji_id = /[?&]id=(\d+)/.exec(url)?.[1] ?? "";
      }
      open.pop();
      if (entity.length > 0) entities.push(entity);
      continue;
    }
    const start = i;
    let type: V2Type;
    let language: string | undefined;
    if (c === "_" && next === "_") {
      type = "Underline";
      i++;
    } else if (c === "_") type = "Italic";
    else if (c === "*") type = "Bold";
    else if (c === "~") type = "Strikethrough";
    else if (c === "|" && next === "|") {
      type = "Spoiler";
      i++;
    } else if (c === "[") type = "TextUrl";
    else if (c === "!" && next === "[") {
      type = "CustomEmoji";
      i++;
    } else if (c === "`" && next === "`" && input[i + 2] === "`") {
      type = "Pre";
      i += 3;
      const newline = input.indexOf("\n", i);
      const firstLine = newline < 0 ? "" : input.slice(i, newline);
      if (newline >= 0 && /^[^\s`\\]*$/.test(firstLine)) {
        language = firstLine || undefined;
        i = newline;
      } else {
        i--;
      }
    } else if (c === "`") type = "Code";
    else throw fail(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    open.push({ type, byteOffset: bytes(start), offset: text.length, ...(language ? { language } : {}) });
  }
  const unclosed = open.pop();
  if (unclosed) throw fail(`Can't find end of ${unclosed.type} entity at byte offset ${unclosed.byteOffset}`);
  if (quoteStart !== undefined)
    entities.push({ type: "blockquote", offset: quoteStart, length: text.length - quoteStart });
  const visible = entities.filter((e) => e.length > 0);
  visible.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities: visible };
}

function closes(type: V2Type, input: string, i: number): boolean {
  const c = input[i];
  switch (type) {
    case "Bold":
      return c === "*";
    case "Italic":
      return c === "_" && input[i + 1] !== "_";
    case "Underline":
      return c === "_" && input[i + 1] === "_";
    case "Strikethrough":
      return c === "~";
    case "Spoiler":
      return c === "|" && input[i + 1] === "|";
    case "Code":
      return c === "`";
    case "Pre":
      return c === "`" && input[i + 1] === "`" && input[i + 2] === "`";
    case "TextUrl":
    case "CustomEmoji":
      return c === "]";
  }
}

/** Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting, fewer escapes. */
export function parseMarkdownLegacy(input: string): { text: string; entities: MessageEntity[] } {
  let text = "";
  const entities: MessageEntity[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i] ?? "";
    if (c === "\\" && "_*`[".includes(input[i + 1] ?? " ")) {
      text += input[i + 1];
      i++;
      continue;
    }
    if (!"_*`[".includes(c)) {
      text += c;
      continue;
    }
    const start = i;
    const isPre = c === "`" && input[i + 1] === "`" && input[i + 2] === "`";
    const end = isPre ? "```" : c === "[" ? "]" : c;
    i += isPre ? 3 : 1;
    const close = input.indexOf(end, i);
    if (close < 0) {
      throw fail(
        `Can't find end of the entity starting at byte offset ${Buffer.byteLength(input.slice(0, start))}`,
      );
    }
    const inner = input.slice(i, close);
    const offset = text.length;
    text += inner;
    i = close + end.length - 1;
    if (c === "[") {
      const url = input[i + 1] === "(" ? /^\(([^)]*)\)/.exec(input.slice(i + 1)) : null;
      if (url) {
        i += url[0].length;
        if (inner.length > 0)
          entities.push({ type: "text_link", offset, length: inner.length, url: url[1] ?? "" });
      }
      continue;
    }
    const type = isPre ? "pre" : c === "*" ? "bold" : c === "_" ? "italic" : "code";
    if (inner.length > 0) entities.push({ type, offset, length: inner.length });
  }
  return { text, entities };
}
