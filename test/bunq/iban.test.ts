import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIban, parseIban } from "../../src/bunq/iban.js";

/** Valid IBANs of several countries and lengths (published examples). */
const VALID = [
  "NL91ABNA0417164300",
  "DE89370400440532013000",
  "GB29NWBK60161331926819",
  "FR1420041010050500013M02606",
  "BE68539007547034",
  "ES9121000418450200051332",
  "NL32BUNQ2025822858",
];

describe("IBAN validation", () => {
  it("accepts valid IBANs written with spaces and in lower case", () => {
    expect(parseIban(" nl91 abna 0417 1643 00 ")).toBe("NL91ABNA0417164300");
    for (const iban of VALID) expect(parseIban(iban)).toBe(iban);
  });

  it("formats in groups of four", () => {
    expect(formatIban(parseIban("NL91ABNA0417164300")!)).toBe("NL91 ABNA 0417 1643 00");
  });

  it("refuses a wrong length, an unknown country and garbage", () => {
    for (const bad of [
      "NL91ABNA041716430",
      "NL91ABNA04171643000",
      "XX91ABNA0417164300",
      "",
      "hello",
      "NL91-ABNA",
    ]) {
      expect(parseIban(bad)).toBeUndefined();
    }
  });

  it("rejects every single-digit substitution", () => {
    for (const iban of VALID) {
      for (let position = 2; position < iban.length; position++) {
        const original = iban[position]!;
        if (!/\d/.test(original)) continue;
        for (const digit of "0123456789") {
          if (digit === original) continue;
          const typo = iban.slice(0, position) + digit + iban.slice(position + 1);
          expect(parseIban(typo), typo).toBeUndefined();
        }
      }
    }
  });

  it("rejects every adjacent transposition of different characters", () => {
    for (const iban of VALID) {
      for (let position = 2; position < iban.length - 1; position++) {
        const [a, b] = [iban[position]!, iban[position + 1]!];
        if (a === b) continue;
        const swapped = iban.slice(0, position) + b + a + iban.slice(position + 2);
        expect(parseIban(swapped), swapped).toBeUndefined();
      }
    }
  });

  it("accepts a random NL candidate exactly when mod-97 holds and its check digits are 02–98", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^NL\d{2}[A-Z]{4}\d{10}$/), (candidate) => {
        const digits = (candidate.slice(4) + candidate.slice(0, 4))
          .split("")
          .map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55)))
          .join("");
        const mod97 = BigInt(digits) % 97n;
        // ISO 13616 check digits are 02..98; 00, 01 and 99 can satisfy mod-97 but never occur.
        const checkDigits = Number(candidate.slice(2, 4));
        expect(parseIban(candidate) !== undefined, candidate).toBe(
          mod97 === 1n && checkDigits >= 2 && checkDigits <= 98,
        );
      }),
    );
  });
});
