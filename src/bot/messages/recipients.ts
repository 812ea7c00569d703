/** How an account of the user and a counterparty are named in messages. */
import type { Counterparty } from "../../bunq/aliases.js";
import { formatIban, parseIban } from "../../bunq/iban.js";
import type { AccountChoice } from "../keyboards.js";

export function describeAccount(account: AccountChoice): string {
  const iban = account.iban ? parseIban(account.iban) : undefined;
  return iban ? `${account.description} (${formatIban(iban)})` : account.description;
}

export function describeCounterparty(to: Counterparty): string {
  if (to.type !== "IBAN") return to.value;
  const iban = parseIban(to.value);
  return `${to.name} (${iban ? formatIban(iban) : to.value})`;
}
