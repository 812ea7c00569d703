import { BunqHttpError, notFound } from "../errors.js";
import type { ApiRequest, Emulation } from "../router.js";
import type { EmulatedAccount } from "../state.js";

/**
 * The user whose data a session may see. The id in the URL must be the session's own user id,
 * which for OAuth sessions is the UserApiKey id, not the granting user's.
 */
export function ownerId(request: ApiRequest): number {
  const session = request.session!;
  const urlUserId = session.apiKeyUserId ?? session.userId;
  if (Number(request.params.userId) !== urlUserId)
    throw new BunqHttpError(403, "Insufficient authorisation.");
  return session.userId;
}

export function ownAccount(request: ApiRequest, { state }: Emulation): EmulatedAccount {
  const account = state.accounts.get(Number(request.params.accountId));
  if (!account || account.userId !== ownerId(request)) throw notFound("monetary account");
  return account;
}
