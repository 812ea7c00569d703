/**
 * Every message fits: Telegram refuses texts over 4096 and captions over 1024 characters
 * (counted after entity parsing, in UTF-16 code units), and a refused message fails again on
 * every retry. Each renderer in src/bot/messages is fed maximal and adversarial content and
 * measured twice: with our telegramLength and with the Telegram emulator's own parser and limit
 * check, which must agree.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clip, clipText, escapeHtml } from "../../src/bot/format/text.js";
import { telegramLength } from "../../src/bot/messages/length.js";
import { parseHtml } from "../../src/emulator/telegram/html.js";

/** Text people and bunq write at their worst: astral emoji, joiners, HTML specials, newlines. */
const nastyChar = fc.oneof(
  fc.constantFrom(
    "a",
    " ",
    "\n",
    "&",
    "<",
    ">",
    '"',
    "'",
    ";",
    "é",
    "€",
    "😀",
    "👨‍👩‍👧",
    "🇳🇱",
    "\u0301",
    "&amp;",
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
);
const nastyText = (maxLength: number) => fc.array(nastyChar, { maxLength }).map((parts) => parts.join(""));

/** HTML the way the renderers write it: escaped text, optionally inside one or two supported tags. */
const htmlFragment = fc.oneof(
  nastyText(30).map(escapeHtml),
  fc
    .tuple(fc.constantFrom("b", "i", "code", "u", "s"), nastyText(30))
    .map(([tag, text]) => `<${tag}>${escapeHtml(text)}</${tag}>`),
  fc
    .tuple(
      fc.constantFrom("&#128512;", "&#x1F600;", "&#65;", "&nbsp;", "&QUOT;", "&#99999999;"),
      nastyText(5),
    )
    .map(([entity, text]) => `${entity}${escapeHtml(text)}`),
  fc.webUrl().map((url) => `<a href="${escapeHtml(url)}">link</a>`),
);

describe("telegramLength", () => {
  it("agrees with the Telegram emulator's HTML parser on the visible length", () => {
    fc.assert(
      fc.property(fc.array(htmlFragment, { maxLength: 12 }), (fragments) => {
        const html = fragments.join("");
        expect(telegramLength(html, "HTML")).toBe(parseHtml(html).text.length);
      }),
    );
  });

  it("counts UTF-16 code units: tags are free, entities count once, astral emoji twice", () => {
    expect(telegramLength("<b>a&amp;b</b> 😀")).toBe("<b>a&amp;b</b> 😀".length);
    expect(telegramLength("<b>a&amp;b</b> 😀", "HTML")).toBe(6);
    expect(telegramLength("&amp;lt;", "HTML")).toBe(4);
  });
});

describe("clipping", () => {
  it("stays within the limit, cuts between code points and keeps what fits unchanged", () => {
    fc.assert(
      fc.property(nastyText(80), fc.integer({ min: 0, max: 100 }), (text, max) => {
        const clipped = clipText(text, max);
        expect(clipped.length).toBeLessThanOrEqual(max);
        if (text.length <= max) expect(clipped).toBe(text);
        else expect(clipped === "" || clipped.endsWith("…")).toBe(true);
        expect(text.startsWith(clipped.replace(/…$/, ""))).toBe(true);
        expect(clipped).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
        expect(clip(text, max).length).toBeLessThanOrEqual(max);
        expect(clip(text, max)).not.toContain("\n");
      }),
    );
  });

  it("escaping after clipping never breaks an entity", () => {
    fc.assert(
      fc.property(nastyText(40), fc.integer({ min: 1, max: 40 }), (text, max) => {
        const html = escapeHtml(clipText(text, max));
        expect(() => parseHtml(html)).not.toThrow();
        expect(telegramLength(html, "HTML")).toBeLessThanOrEqual(max);
      }),
    );
  });
});
