/** bunq's wire formats: amounts as decimal strings and timestamps as "YYYY-MM-DD hh:mm:ss.uuuuuu". */

export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Strict "12.50" → 1250n; undefined for anything else. */
export function parseCents(value: string): bigint | undefined {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return undefined;
  const cents = BigInt(match[2]! + (match[3] ?? "").padEnd(2, "0"));
  return match[1] ? -cents : cents;
}

export function formatTime(date: Date): string {
  return `${date.toISOString().replace("T", " ").replace("Z", "")}000`;
}

export function amount(cents: bigint, currency: string) {
  return { value: formatCents(cents), currency };
}
