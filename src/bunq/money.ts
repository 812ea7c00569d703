/**
 * Money as integer minor units (bigint) and bunq's decimal strings, never floats. Parsing is
 * strict: anything that is not plainly a number in the currency's precision is refused with a
 * reason a person can act on, because a mis-read amount is a payment of the wrong size.
 */

export interface Money {
  readonly minor: bigint;
  /** ISO 4217 code, e.g. "EUR". */
  readonly currency: string;
}

export type AmountProblem =
  "empty" | "not_a_number" | "negative" | "zero" | "too_many_decimals" | "too_large";

export class AmountError extends Error {
  override readonly name = "AmountError";
  constructor(
    readonly problem: AmountProblem,
    message: string,
  ) {
    super(message);
  }
}

const CURRENCY_CODE = /^[A-Z]{3}$/;
/** 10^15 minor units: far above any real transfer, far below Number.MAX_SAFE_INTEGER. */
const MAX_MINOR = 10n ** 15n;

/** Decimal places of a currency (EUR 2, JPY 0, BHD 3), from ICU's ISO 4217 data. */
export function currencyExponent(currency: string): number {
  if (!CURRENCY_CODE.test(currency)) throw new RangeError(`not an ISO 4217 currency code: ${currency}`);
  return (
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

function toMinor(integer: string, fraction: string, negative: boolean, currency: string): Money {
  const exponent = currencyExponent(currency);
  if (fraction.length > exponent) {
    throw new AmountError(
      "too_many_decimals",
      exponent === 0
        ? `${currency} amounts have no decimals.`
        : `Use at most ${exponent} decimals for ${currency}.`,
    );
  }
  const minor = BigInt(integer + fraction.padEnd(exponent, "0"));
  if (minor >= MAX_MINOR) throw new AmountError("too_large", "That amount is too large.");
  return { minor: negative ? -minor : minor, currency };
}

/**
 * Parses an amount bunq sent (`"12.50"`, `"-3.00"`). A malformed value from bunq is a bug
 * or an attack, so it throws rather than guessing.
 */
export function parseBunqAmount(value: string, currency: string): Money {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) throw new AmountError("not_a_number", `bunq sent a malformed amount: ${JSON.stringify(value)}`);
  return toMinor(match[2]!, match[3] ?? "", match[1] === "-", currency);
}

/**
 * Parses an amount a person typed: `12`, `12.5` and `12,50` are accepted; `1e3`,
 * `12abc`, `1.000,50`, zero and negatives are refused with a reason.
 */
export function parseUserAmount(text: string, currency: string): Money {
  const trimmed = text.trim();
  if (trimmed === "") throw new AmountError("empty", "Please send an amount, for example 12.50.");
  if (/^-/.test(trimmed)) throw new AmountError("negative", "The amount must be positive.");
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(trimmed);
  if (!match)
    throw new AmountError("not_a_number", "That is not an amount. Send digits like 12.50 or 12,50.");
  const money = toMinor(match[1]!, match[2] ?? "", false, currency);
  if (money.minor === 0n) throw new AmountError("zero", "The amount must be more than zero.");
  return money;
}

/** bunq's wire format: `"12.50"`, `"-3.00"`, `"1500"` for JPY. */
export function formatBunqAmount(money: Money): string {
  const exponent = currencyExponent(money.currency);
  const negative = money.minor < 0n;
  const digits = (negative ? -money.minor : money.minor).toString().padStart(exponent + 1, "0");
  const integer = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? "-" : ""}${integer}${exponent > 0 ? `.${fraction}` : ""}`;
}
