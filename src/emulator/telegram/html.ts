/**
 * Telegram's `parse_mode: "HTML"`: turns marked-up text into plain text plus MessageEntity objects,
 * failing with Telegram's "can't parse entities: ..." messages (byte offsets are UTF-8, entity offsets UTF-16).
 * Supported tags follow https://core.telegram.org/bots/api#html-style.
 */
import { badRequest } from "./errors.js";

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: { id: number };
}

const TAG_TYPES: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
  "tg-time": "date_time",
};

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  name: string;
  offset: number;
  attributes: Map<string, string>;
}

const fail = (detail: string) => badRequest(`can't parse entities: ${detail}`);

export function parseHtml(input: string): { text: string; entities: MessageEntity[] } {
  let text = "";
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  const byteOffset = (index: number) => Buffer.byteLength(input.slice(0, index), "utf8");

  while (i < input.length) {
    const ch = input[i];
    if (ch === "&") {
      const m = /^&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));/.exec(input.slice(i));
      const decoded = m && decodeEntity(m);
      if (m && decoded !== undefined) {
        text += decoded;
        i += m[0].length;
      } else {
        text += ch;
        i++;
      }
      continue;
    }
    if (ch !== "<") {
      text += ch;
      i++;
      continue;
    }
    const end = input.indexOf(">", i);
    if (end < 0) throw fail(`Can't find end of the tag starting at byte offset ${byteOffset(i)}`);
    const raw = input.slice(i + 1, end);
    if (raw.startsWith("/")) {
      const name = raw.slice(1).trim().toLowerCase();
      const top = open.pop();
      if (!top) throw fail(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      if (top.name !== name) {
        throw fail(
          `Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${top.name}>", found "</${name}>"`,
        );
      }
      const entity = toEntity(top, text.length);
      const inner = entities.at(-1);
      if (
        entity.type === "pre" &&
        inner?.type === "code" &&
        inner.offset === entity.offset &&
        inner.length === entity.length
      ) {
        // <pre><code class="language-x">…</code></pre> is one pre entity with a language, as in Telegram.
        entities.pop();
        if (inner.language) entity.language = inner.language;
      }
      entities.push(entity);
    } else {
      const nameMatch = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(raw);
      const name = nameMatch?.[0].toLowerCase() ?? "";
      if (!(name in TAG_TYPES)) throw fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(i)}`);
      const attributes = parseAttributes(raw.slice(name.length), name, byteOffset(i));
      if (name === "span" && attributes.get("class") !== "tg-spoiler") {
        throw fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(i)}`);
      }
      open.push({ name, offset: text.length, attributes });
    }
    i = end + 1;
  }
  const unclosed = open.pop();
  if (unclosed) throw fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  const visible = entities.filter((e) => e.length > 0);
  visible.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities: visible };
}

function decodeEntity(m: RegExpExecArray): string | undefined {
  const code = m[1] ? Number(m[1]) : m[2] ? parseInt(m[2], 16) : undefined;
  if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  return NAMED_ENTITIES[(m[3] ?? "").toLowerCase()];
}

function parseAttributes(source: string, tag: string, at: number): Map<string, string> {
  const attributes = new Map<string, string>();
  const re = /\s*([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;
  let rest = source.replace(/\/\s*$/, "");
  while (rest.trim() !== "") {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m)
      throw fail(
        `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${at}`,
      );
    attributes.set((m[1] ?? "").toLowerCase(), m[2] ?? m[3] ?? m[4] ?? "");
    rest = rest.slice(m[0].length);
  }
  return attributes;
}

function toEntity(tag: OpenTag, endOffset: number): MessageEntity {
  const base = { offset: tag.offset, length: endOffset - tag.offset };
  switch (tag.name) {
    case "a": {
      const href = tag.attributes.get("href") ?? "";
      const user = /^tg:\/\/user\?id=(\d+)$/.exec(href);
      if (user) return { type: "text_mention", ...base, user: { id: Number(user[1]) } };
      return { type: "text_link", ...base, url: href };
    }
    case "pre":
      return { type: "pre", ...base };
    case "code": {
      const language = /^language-(.+)$/.exec(tag.attributes.get("class") ?? "")?.[1];
      return { type: "code", ...base, ...(language ? { language } : {}) };
    }
    case "blockquote":
      return { type: tag.attributes.has("expandable") ? "expandable_blockquote" : "blockquote", ...base };
    case "tg-emoji":
      return { type: "custom_emoji", ...base, custom_emoji_id: tag.attributes.get("emoji-id") ?? "" };
    default:
      return { type: TAG_TYPES[tag.name] ?? "bold", ...base };
  }
}
