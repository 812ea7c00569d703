/** Valid Dutch bunq IBANs (NLkk BUNQ nnnnnnnnnn) for emulated accounts. */
export function bunqIban(accountNumber: number): string {
  const bban = `BUNQ${String(accountNumber).padStart(10, "0")}`;
  const numeric = `${bban}NL00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  const check = 98n - (BigInt(numeric) % 97n);
  return `NL${String(check).padStart(2, "0")}${bban}`;
}
