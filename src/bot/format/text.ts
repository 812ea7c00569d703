/** Safe text for Telegram's HTML parse mode, and shortening measured the way Telegram measures. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

const ELLIPSIS = "…";

/**
 * Shortens to at most `max` UTF-16 code units (Telegram's measure), the last being an ellipsis.
 * It cuts between code points, never inside a surrogate pair, and works on plain text: escape
 * after clipping, so a cut never falls inside an HTML entity.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return "";
  let end = max - ELLIPSIS.length;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return `${text.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

/** One line: whitespace runs and newlines become single spaces, then clipped like {@link clipText}. */
export function clip(text: string, max: number): string {
  return clipText(text.replace(/\s+/g, " ").trim(), max);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
