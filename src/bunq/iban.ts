/**
 * IBAN validation (country length and mod-97 checksum, via ibantools) so a typo is caught
 * before anyone is asked to confirm a payment to it.
 */
import { electronicFormatIBAN, friendlyFormatIBAN, isValidIBAN } from "ibantools";

export type Iban = string & { readonly __brand: "Iban" };

/** Normalizes spaces and case, then validates; undefined when it is not a valid IBAN. */
export function parseIban(text: string): Iban | undefined {
  const electronic = electronicFormatIBAN(text.trim());
  return electronic && isValidIBAN(electronic) ? (electronic as Iban) : undefined;
}

/** Groups of four for people to read: `NL91 ABNA 0417 1643 00`. */
export function formatIban(iban: Iban): string {
  return friendlyFormatIBAN(iban) ?? iban;
}

/** Whether two texts name the same account number, whatever their spaces and case. */
export function sameIban(a: string, b: string): boolean {
  return (electronicFormatIBAN(a.trim()) ?? a) === (electronicFormatIBAN(b.trim()) ?? b);
}
