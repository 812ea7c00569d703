/**
 * Amounts for people: Intl.NumberFormat in the user's Telegram language where ICU knows it,
 * fed the exact decimal string (never a float), so €0.10 + €0.20 shows as €0.30.
 */
import { formatBunqAmount, type Money } from "../../bunq/money.js";

const FALLBACK_LOCALE = "en";

/** The user's Telegram language if Intl supports it, else English. */
export function localeFor(languageCode: string | undefined): string {
  if (!languageCode) return FALLBACK_LOCALE;
  try {
    return Intl.NumberFormat.supportedLocalesOf([languageCode])[0] ?? FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE;
  }
}

export function formatMoney(money: Money, locale: string, options: { signed?: boolean } = {}): string {
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: money.currency,
    ...(options.signed ? { signDisplay: "exceptZero" as const } : {}),
  });
  // ES2023's Intl accepts decimal strings and formats them exactly.
  return format.format(formatBunqAmount(money) as `${number}`);
}
