/**
 * How accounts, counterparties and bunq users are named in messages. Each name comes from bunq
 * or another person and could be any length, so each is clipped to a cap here; the caps are what
 * the message budgets (e.g. the /pay summary's description limit) are computed from.
 */
import type { Counterparty } from "../../bunq/aliases.js";
import { formatIban, parseIban } from "../../bunq/iban.js";
import { clip } from "../format/text.js";
import type { AccountChoice } from "../keyboards.js";

/** An account's name as its owner set it in bunq; long enough for any sensible name, short enough for a list. */
export const ACCOUNT_NAME_MAX = 64;
/** The name of an IBAN's holder, as the pay conversation accepts it (2 to 140 characters). */
export const HOLDER_NAME_MAX = 140;
/** The longest e-mail address there can be (RFC 5321). */
export const EMAIL_MAX = 254;
/** A phone number in international format: "+" and at most 15 digits (E.164). */
export const PHONE_MAX = 16;
/** A bunq user's display name, as shown when connecting and disconnecting. */
export const DISPLAY_NAME_MAX = 100;
/** An IBAN in groups of four: at most 34 characters and 8 spaces. */
export const IBAN_TEXT_MAX = 42;

/** The longest {@link describeAccount}: name, " (", IBAN, ")". */
export const ACCOUNT_LABEL_MAX = ACCOUNT_NAME_MAX + " ()".length + IBAN_TEXT_MAX;
/** The longest {@link describeCounterparty}. */
export const COUNTERPARTY_LABEL_MAX = Math.max(
  HOLDER_NAME_MAX + " ()".length + IBAN_TEXT_MAX,
  EMAIL_MAX,
  PHONE_MAX,
);

export function describeAccount(account: AccountChoice): string {
  const iban = account.iban ? parseIban(account.iban) : undefined;
  const name = clip(account.description, ACCOUNT_NAME_MAX);
  return iban ? `${name} (${formatIban(iban)})` : name;
}

export function describeCounterparty(to: Counterparty): string {
  if (to.type === "EMAIL") return clip(to.value, EMAIL_MAX);
  if (to.type === "PHONE_NUMBER") return clip(to.value, PHONE_MAX);
  return `${clip(to.name, HOLDER_NAME_MAX)} (${ibanText(to.value)})`;
}

/** An IBAN in groups of four; one that does not parse is shown as it is, clipped like one that does. */
export function ibanText(iban: string): string {
  const parsed = parseIban(iban);
  return parsed ? formatIban(parsed) : clip(iban, IBAN_TEXT_MAX);
}

export function describeBunqUser(displayName: string): string {
  return clip(displayName, DISPLAY_NAME_MAX);
}
