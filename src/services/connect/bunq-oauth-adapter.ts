/**
 * The /connect port implemented with the real bunq client. describeUser opens the chat's API
 * context in memory (nothing is stored before the user confirms) to learn whose accounts the
 * token grants, and hands the context back so Confirm can keep it: bunq allows one new session
 * per 30 seconds per IP, so a connection should not cost two.
 */
import { listMonetaryAccounts } from "../../bunq/accounts.js";
import { ApiContext, type ApiContextOptions } from "../../bunq/api-context.js";
import { InMemoryApiContextStore, serializeContextState } from "../../bunq/context-store.js";
import {
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  type OAuthClientCredentials,
  type TokenExchangeOptions,
} from "../../bunq/oauth.js";
import type { BunqOAuth } from "./bunq-oauth-port.js";

export interface BunqOAuthAdapterOptions {
  authorizeUrl: string;
  tokenUrl: string;
  /** The OAuth client registered by `npm run setup` (from the provider registration store). */
  credentials(): Promise<OAuthClientCredentials>;
  context: Omit<ApiContextOptions, "store">;
  /** Deadline and size cap of the code exchange; the defaults suit bunq. */
  tokenExchange?: TokenExchangeOptions;
}

export function bunqOAuthAdapter(options: BunqOAuthAdapterOptions): BunqOAuth {
  return {
    async authorizeUrl(state, redirectUri) {
      const { clientId } = await options.credentials();
      return buildAuthorizeUrl(options.authorizeUrl, { clientId, redirectUri, state });
    },
    async exchangeCode(code, redirectUri) {
      const credentials = await options.credentials();
      return exchangeAuthorizationCode(
        options.tokenUrl,
        { ...credentials, code, redirectUri },
        options.tokenExchange,
      );
    },
    async describeUser(accessToken, principal) {
      // In memory until the user confirms: nothing about an unconfirmed connection is stored.
      const store = new InMemoryApiContextStore();
      const context = await ApiContext.open(principal, accessToken, { ...options.context, store });
      await context.session();
      const user = context.sessionUser;
      if (!user) throw new Error("bunq returned no user with the session");
      const accounts = await listMonetaryAccounts(context);
      const state = await store.load(principal);
      return {
        displayName: user.grantedBy?.displayName ?? user.displayName,
        bunqUserId: user.grantedBy?.id ?? user.id,
        accountCount: accounts.length,
        ...(state ? { context: serializeContextState(state) } : {}),
      };
    },
  };
}
