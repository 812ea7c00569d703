import { describe, expect, it } from "vitest";
import { parseHtml } from "../../../src/emulator/telegram/html.js";
import { parseMarkdownLegacy, parseMarkdownV2 } from "../../../src/emulator/telegram/markdown.js";
import { multipartBoundary, parseMultipart } from "../../../src/emulator/telegram/multipart.js";
import { loadSpec } from "../../../src/emulator/telegram/spec/spec.js";
import { commandEntities } from "../../../src/emulator/telegram/simulator.js";

describe("HTML parse_mode", () => {
  it("counts entity offsets in UTF-16 units and decodes HTML entities", () => {
    expect(parseHtml("😀 <i>x&lt;y</i> <tg-spoiler>s</tg-spoiler> <code>c</code>")).toEqual({
      text: "😀 x<y s c",
      entities: [
        { type: "italic", offset: 3, length: 3 },
        { type: "spoiler", offset: 7, length: 1 },
        { type: "code", offset: 9, length: 1 },
      ],
    });
  });

  it("merges <pre><code class=language-x> into one pre entity with its language", () => {
    expect(parseHtml('<pre><code class="language-ts">let a;</code></pre>').entities).toEqual([
      { type: "pre", offset: 0, length: 6, language: "ts" },
    ]);
  });

  it("fails on unsupported, unexpected and unclosed tags with UTF-8 byte offsets", () => {
    expect(() => parseHtml("é <blink>x</blink>")).toThrow(
      'Bad Request: can\'t parse entities: Unsupported start tag "blink" at byte offset 3',
    );
    expect(() => parseHtml("x</b>")).toThrow(
      "Bad Request: can't parse entities: Unexpected end tag at byte offset 1",
    );
    expect(() => parseHtml("<code>x")).toThrow('Can\'t find end tag corresponding to start tag "code"');
  });
});

describe("multipart parser", () => {
  it("accepts grammY's compact headers and keeps binary bytes", () => {
    const bytes = Buffer.from([0, 255, 13, 10, 45, 45, 1]);
    const body = Buffer.concat([
      Buffer.from('--xyz\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n42\r\n'),
      Buffer.from(
        '--xyz\r\ncontent-disposition:form-data;name="f";filename=q.png\r\ncontent-type:image/png\r\n\r\n',
      ),
      bytes,
      Buffer.from("\r\n--xyz--\r\n"),
    ]);
    const parts = parseMultipart(body, multipartBoundary("multipart/form-data; boundary=xyz")!);
    expect(parts[0]).toMatchObject({ name: "chat_id" });
    expect(parts[0]?.data.toString()).toBe("42");
    expect(parts[1]).toMatchObject({ name: "f", filename: "q.png", contentType: "image/png" });
    expect(parts[1]?.data.equals(bytes)).toBe(true);
  });
});

describe("bot_command entities", () => {
  it("marks commands at the start and after whitespace, with @bot suffixes", () => {
    expect(commandEntities("/start abc")).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    expect(commandEntities("hi /help@my_bot now")).toEqual([{ type: "bot_command", offset: 3, length: 12 }]);
    expect(commandEntities("a/b not-a-command")).toEqual([]);
  });
});

describe("vendored spec", () => {
  it("holds every method the emulator serves with Telegram's required flags", () => {
    const spec = loadSpec();
    expect(Object.keys(spec.methods).length).toBeGreaterThan(150);
    const photo = spec.methods.sendPhoto?.fields.find((f) => f.name === "photo");
    expect(photo).toEqual({ name: "photo", types: ["InputFile", "String"], required: true });
    expect(spec.types.BotCommandScopeChat?.fields?.find((f) => f.name === "type")?.const).toBe("chat");
  });
});

describe("MarkdownV2 parse_mode", () => {
  it("turns markup into entities and honours escapes", () => {
    expect(parseMarkdownV2("*Hi* _there_ __u__ ||s|| [link](https://a.test/x\\)y) `a\\`b` 1\\.5")).toEqual({
      text: "Hi there u s link a`b 1.5",
      entities: [
        { type: "bold", offset: 0, length: 2 },
        { type: "italic", offset: 3, length: 5 },
        { type: "underline", offset: 9, length: 1 },
        { type: "spoiler", offset: 11, length: 1 },
        { type: "text_link", offset: 13, length: 4, url: "https://a.test/x)y" },
        { type: "code", offset: 18, length: 3 },
      ],
    });
    expect(parseMarkdownV2("```ts\nconst a = 1;\n```").entities).toEqual([
      { type: "pre", offset: 0, length: 13, language: "ts" },
    ]);
  });

  it("rejects unescaped reserved characters and unclosed entities like Telegram", () => {
    expect(() => parseMarkdownV2("Valid for 10 minutes.")).toThrow(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(() => parseMarkdownV2("€ *bold")).toThrow(
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 4",
    );
  });

  it("legacy Markdown only fails on an unclosed entity", () => {
    expect(parseMarkdownLegacy("*a* 1.5 [x](https://b.test)")).toEqual({
      text: "a 1.5 x",
      entities: [
        { type: "bold", offset: 0, length: 1 },
        { type: "text_link", offset: 6, length: 1, url: "https://b.test" },
      ],
    });
    expect(() => parseMarkdownLegacy("a _b")).toThrow(
      "Can't find end of the entity starting at byte offset 2",
    );
  });
});
