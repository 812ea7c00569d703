/**
 * Monetary accounts of every type (bank, savings, joint, …) normalized to one shape, so the
 * bot can list them without knowing bunq's polymorphic wrappers.
 */
import { z } from "zod";
import type { ApiContext } from "./api-context.js";
import { unwrapList } from "./envelope.js";
import { parseBunqAmount, type Money } from "./money.js";

const amount = z.object({ value: z.string(), currency: z.string() });
const alias = z.object({ type: z.string(), value: z.string(), name: z.string().optional() });
const accountFields = z.object({
  id: z.number().int(),
  description: z.string().optional().default(""),
  currency: z.string(),
  balance: amount,
  status: z.string(),
  alias: z.array(alias).optional().default([]),
});

const ACCOUNT_TYPES = {
  MonetaryAccountBank: "bank",
  MonetaryAccountSavings: "savings",
  MonetaryAccountJoint: "joint",
  MonetaryAccountExternal: "external",
  MonetaryAccountExternalSavings: "external_savings",
  MonetaryAccountInvestment: "investment",
} as const;

export type AccountType = (typeof ACCOUNT_TYPES)[keyof typeof ACCOUNT_TYPES];

const wrappedAccount = z.record(z.string(), z.unknown()).transform((wrapper, ctx) => {
  const [key, inner] = Object.entries(wrapper)[0] ?? [];
  const type =
    key !== undefined && key in ACCOUNT_TYPES ? ACCOUNT_TYPES[key as keyof typeof ACCOUNT_TYPES] : undefined;
  const fields = accountFields.safeParse(inner);
  if (!type || !fields.success) {
    ctx.addIssue({ code: "custom", message: `unknown or malformed monetary account ${key ?? ""}` });
    return z.NEVER;
  }
  return { type, ...fields.data };
});

export interface MonetaryAccount {
  readonly id: number;
  readonly type: AccountType;
  readonly description: string;
  readonly balance: Money;
  readonly currency: string;
  readonly iban?: string;
  readonly ownerName?: string;
  /** bunq's status: ACTIVE, BLOCKED, CANCELLED, PENDING_REOPEN. */
  readonly status: string;
  readonly active: boolean;
}

export async function listMonetaryAccounts(context: ApiContext): Promise<MonetaryAccount[]> {
  const response = await context.send({
    method: "GET",
    path: "/user/{userId}/monetary-account",
    query: { count: 200 },
    idempotent: true,
  });
  return unwrapList(response.body, wrappedAccount).items.map((account) => {
    const iban = account.alias.find((entry) => entry.type === "IBAN");
    return {
      id: account.id,
      type: account.type,
      description: account.description,
      balance: parseBunqAmount(account.balance.value, account.balance.currency),
      currency: account.currency,
      iban: iban?.value,
      ownerName: iban?.name,
      status: account.status,
      active: account.status === "ACTIVE",
    };
  });
}
