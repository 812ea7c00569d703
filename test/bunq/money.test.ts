import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AmountError,
  currencyExponent,
  formatBunqAmount,
  parseBunqAmount,
  parseUserAmount,
  type AmountProblem,
} from "../../src/bunq/money.js";

function problemOf(text: string, currency = "EUR"): AmountProblem {
  try {
    parseUserAmount(text, currency);
  } catch (error) {
    expect(error).toBeInstanceOf(AmountError);
    return (error as AmountError).problem;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe("amounts typed by a person", () => {
  it.each([
    ["12", 1200n],
    ["12.5", 1250n],
    ["12,50", 1250n],
    [" 0.01 ", 1n],
    ["007", 700n],
  ])("accepts %j as %i cents", (text, minor) => {
    expect(parseUserAmount(text, "EUR")).toEqual({ minor, currency: "EUR" });
  });

  it.each<[string, AmountProblem]>([
    ["1e3", "not_a_number"],
    ["12abc", "not_a_number"],
    ["1.000,50", "not_a_number"],
    ["12.", "not_a_number"],
    [".5", "not_a_number"],
    ["Infinity", "not_a_number"],
    ["0x10", "not_a_number"],
    ["", "empty"],
    ["   ", "empty"],
    ["0", "zero"],
    ["0,00", "zero"],
    ["-5", "negative"],
    ["12.345", "too_many_decimals"],
    ["99999999999999", "too_large"],
  ])("refuses %j (%s)", (text, problem) => {
    expect(problemOf(text)).toBe(problem);
  });

  it("follows the currency's precision", () => {
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("BHD")).toBe(3);
    expect(problemOf("12.5", "JPY")).toBe("too_many_decimals");
    expect(parseUserAmount("1.234", "BHD").minor).toBe(1234n);
  });

  it("explains the refusal in words", () => {
    expect(() => parseUserAmount("12.345", "EUR")).toThrow("Use at most 2 decimals for EUR.");
  });
});

describe("amounts from bunq", () => {
  it("parses negative and positive values and refuses anything else", () => {
    expect(parseBunqAmount("-3.00", "EUR").minor).toBe(-300n);
    expect(parseBunqAmount("1500", "JPY").minor).toBe(1500n);
    for (const bad of ["1e3", " 1.00", "1.00 ", "+1.00", "1,00", "1.001"]) {
      expect(() => parseBunqAmount(bad, "EUR")).toThrow(AmountError);
    }
  });

  it("round-trips every amount exactly through bunq's decimal format", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
        fc.constantFrom("EUR", "JPY", "BHD", "USD"),
        (minor, currency) => {
          const text = formatBunqAmount({ minor, currency });
          expect(parseBunqAmount(text, currency)).toEqual({ minor, currency });
        },
      ),
    );
  });

  it("formats with the currency's decimals", () => {
    expect(formatBunqAmount({ minor: 5n, currency: "EUR" })).toBe("0.05");
    expect(formatBunqAmount({ minor: -1250n, currency: "EUR" })).toBe("-12.50");
    expect(formatBunqAmount({ minor: 1500n, currency: "JPY" })).toBe("1500");
  });

  it("reads what a person typed as the same amount bunq would be sent", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.boolean(), (minor, comma) => {
        const text = formatBunqAmount({ minor, currency: "EUR" });
        expect(parseUserAmount(comma ? text.replace(".", ",") : text, "EUR").minor).toBe(minor);
      }),
    );
  });
});
