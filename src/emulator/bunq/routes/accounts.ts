/** Monetary accounts (bank, savings, joint) and the user objects. */
import { notFound } from "../errors.js";
import { amount, formatTime } from "../format.js";
import { respond, type ApiRoute } from "../router.js";
import type { AccountKind, EmulatedAccount } from "../state.js";
import { userApiKeyObject, userObject } from "../users.js";
import { ownAccount, ownerId } from "./owner.js";

export function accountObject(account: EmulatedAccount, ownerName: string): Record<string, unknown> {
  return {
    [account.kind]: {
      id: account.id,
      created: formatTime(account.created),
      updated: formatTime(account.created),
      description: account.description,
      currency: account.currency,
      balance: amount(account.balanceCents, account.currency),
      status: account.status,
      sub_status: account.status === "ACTIVE" ? "NONE" : "REDEMPTION_VOLUNTARY",
      user_id: account.userId,
      alias: [{ type: "IBAN", value: account.iban, name: ownerName }],
    },
  };
}

const LISTINGS: Record<string, AccountKind | undefined> = {
  "monetary-account": undefined,
  "monetary-account-bank": "MonetaryAccountBank",
  "monetary-account-savings": "MonetaryAccountSavings",
  "monetary-account-joint": "MonetaryAccountJoint",
};

export const accountRoutes: ApiRoute[] = [
  {
    method: "GET",
    path: "/user",
    auth: "session",
    handle(request, { state }) {
      const session = request.session!;
      const grant = [...state.grants.values()].find((g) => g.userApiKeyId === session.apiKeyUserId);
      return respond(grant ? userApiKeyObject(state, grant) : userObject(state.users.get(session.userId)!));
    },
  },
  {
    method: "GET",
    path: "/user/:userId",
    auth: "session",
    handle(request, { state }) {
      ownerId(request);
      const session = request.session!;
      const grant = [...state.grants.values()].find((g) => g.userApiKeyId === session.apiKeyUserId);
      return respond(grant ? userApiKeyObject(state, grant) : userObject(state.users.get(session.userId)!));
    },
  },
  ...Object.entries(LISTINGS).flatMap(([segment, kind]): ApiRoute[] => [
    {
      method: "GET",
      path: `/user/:userId/${segment}`,
      auth: "session",
      handle(request, { state }) {
        const owner = state.users.get(ownerId(request))!;
        const accounts = state.accountsOf(owner.id).filter((a) => !kind || a.kind === kind);
        return respond(...accounts.map((a) => accountObject(a, owner.displayName)));
      },
    },
    {
      method: "GET",
      path: `/user/:userId/${segment}/:accountId`,
      auth: "session",
      handle(request, emulation) {
        const account = ownAccount(request, emulation);
        if (kind && account.kind !== kind) throw notFound("monetary account");
        return respond(accountObject(account, emulation.state.users.get(account.userId)!.displayName));
      },
    },
  ]),
];
