/** bunq's Pointer: how a counterparty is named (IBAN with a name, email address or phone number). */
export type Counterparty =
  | { readonly type: "IBAN"; readonly value: string; readonly name: string }
  | { readonly type: "EMAIL"; readonly value: string; readonly name?: string }
  | { readonly type: "PHONE_NUMBER"; readonly value: string; readonly name?: string };

export function pointer(counterparty: Counterparty) {
  return {
    type: counterparty.type,
    value: counterparty.value,
    ...(counterparty.name ? { name: counterparty.name } : {}),
  };
}
