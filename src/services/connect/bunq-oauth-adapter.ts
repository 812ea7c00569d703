/**
 * The /connect port implemented with the real bunq client. describeUser opens a throw-away API
 * context (in memory, so nothing is stored before the user confirms) to learn whose accounts
 * the token grants and how many there are.
 */
import { randomBytes } from "node:crypto";
import { listMonetaryAccounts } from "../../bunq/accounts.js";
import { ApiContext, type ApiContextOptions } from "../../bunq/api-context.js";
import { InMemoryApiContextStore } from "../../bunq/context-store.js";
import {
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  type OAuthClientCredentials,
} from "../../bunq/oauth.js";
import type { BunqOAuth } from "./bunq-oauth-port.js";

export interface BunqOAuthAdapterOptions {
  authorizeUrl: string;
  tokenUrl: string;
  /** The OAuth client registered by `npm run setup` (from the provider registration store). */
  credentials(): Promise<OAuthClientCredentials>;
  context: Omit<ApiContextOptions, "store">;
}

export function bunqOAuthAdapter(options: BunqOAuthAdapterOptions): BunqOAuth {
  return {
    async authorizeUrl(state, redirectUri) {
      const { clientId } = await options.credentials();
      return buildAuthorizeUrl(options.authorizeUrl, { clientId, redirectUri, state });
    },
    async exchangeCode(code, redirectUri) {
      const credentials = await options.credentials();
      return exchangeAuthorizationCode(options.tokenUrl, { ...credentials, code, redirectUri });
    },
    async describeUser(accessToken) {
      const context = await ApiContext.open(
        `connection:pending-${randomBytes(8).toString("hex")}`,
        accessToken,
        {
          ...options.context,
          store: new InMemoryApiContextStore(),
        },
      );
      await context.session();
      const user = context.sessionUser;
      if (!user) throw new Error("bunq returned no user with the session");
      // The throw-away session is ended here rather than left to expire at bunq.
      const accounts = await listMonetaryAccounts(context).finally(() => context.endSession());
      return {
        displayName: user.grantedBy?.displayName ?? user.displayName,
        bunqUserId: user.grantedBy?.id ?? user.id,
        accountCount: accounts.length,
      };
    },
  };
}
