/**
 * Lists within a length budget. A list from bunq (accounts, payments, currencies) has no upper
 * length, so instead of failing at Telegram it shows what fits, in order, and says how many are
 * left out.
 */
import { telegramLength, type ParseMode } from "./length.js";

export interface FitOptions {
  /** Between two items (and before the note on what was left out). */
  separator: string;
  /** The most the joined list may count, as Telegram counts. */
  room: number;
  /** The note ending a list that had to leave `left` items out. */
  more: (left: number) => string;
  parseMode?: ParseMode;
}

/**
 * The longest prefix of `items` that fits in `room` together with the note on the rest, joined
 * by `separator`; "" when not even the note fits. Items must be whole markup (closed tags), so
 * their lengths add up.
 */
export function fitList(items: readonly string[], options: FitOptions): string {
  const { separator, room, more, parseMode } = options;
  const measure = (text: string) => telegramLength(text, parseMode);
  const separatorLength = measure(separator);
  const prefixLengths = [0];
  for (const [index, item] of items.entries()) {
    prefixLengths.push(prefixLengths[index]! + (index > 0 ? separatorLength : 0) + measure(item));
  }
  for (let shown = items.length; shown >= 0; shown--) {
    const left = items.length - shown;
    const note = left > 0 ? more(left) : undefined;
    const noteLength = note === undefined ? 0 : (shown > 0 ? separatorLength : 0) + measure(note);
    if (prefixLengths[shown]! + noteLength <= room) {
      return [...items.slice(0, shown), ...(note === undefined ? [] : [note])].join(separator);
    }
  }
  return "";
}
