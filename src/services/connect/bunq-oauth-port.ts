/**
 * The narrow slice of bunq the /connect flow needs. Kept as a port so the flow can be tested
 * with a fake and wired to the real client in src/bunq/ by a small adapter.
 */
import type { Principal } from "../../bunq/context-store.js";

export interface BunqOAuth {
  /** Async because the OAuth client id is read from the stored provider registration. */
  authorizeUrl(state: string, redirectUri: string): Promise<string>;
  exchangeCode(code: string, redirectUri: string): Promise<{ accessToken: string }>;
  /**
   * Opens the API context `principal` will use with this token and says whose accounts it
   * grants. `context` (the context serialized, secrets included) is kept encrypted until the
   * user confirms, then saved — so the first command needs no new installation or session.
   */
  describeUser(
    accessToken: string,
    principal: Principal,
  ): Promise<{ displayName: string; bunqUserId: number; accountCount: number; context?: string }>;
}
