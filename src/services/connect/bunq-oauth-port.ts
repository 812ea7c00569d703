/**
 * The narrow slice of bunq the /connect flow needs. Kept as a port so the flow can be tested
 * with a fake and wired to the real client in src/bunq/ by a small adapter.
 */
export interface BunqOAuth {
  /** Async because the OAuth client id is read from the stored provider registration. */
  authorizeUrl(state: string, redirectUri: string): Promise<string>;
  exchangeCode(code: string, redirectUri: string): Promise<{ accessToken: string }>;
  describeUser(
    accessToken: string,
  ): Promise<{ displayName: string; bunqUserId: number; accountCount: number }>;
}
