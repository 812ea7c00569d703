/** bunq user objects as the API shows them. */
import { formatTime } from "./format.js";
import type { EmulatedUser, EmulatorState, OAuthGrant } from "./state.js";

const EPOCH = new Date("2026-01-01T00:00:00Z");

export function userObject(user: EmulatedUser): Record<string, unknown> {
  return {
    [user.kind]: {
      id: user.id,
      created: formatTime(EPOCH),
      updated: formatTime(EPOCH),
      display_name: user.displayName,
      public_nick_name: user.displayName.split(" ")[0],
      session_timeout: user.sessionTimeout,
      status: "ACTIVE",
    },
  };
}

/** The UserApiKey an OAuth session works as: its own id, and both users it links. */
export function userApiKeyObject(state: EmulatorState, grant: OAuthGrant): Record<string, unknown> {
  return {
    UserApiKey: {
      id: grant.userApiKeyId,
      created: formatTime(EPOCH),
      updated: formatTime(EPOCH),
      requested_by_user: userObject(state.users.get(grant.requestedByUserId)!),
      granted_by_user: userObject(state.users.get(grant.grantedByUserId)!),
    },
  };
}
