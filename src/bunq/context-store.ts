/**
 * Persistence port for bunq API contexts. The client library only talks to this
 * interface; `src/db/` implements it with encrypted columns, tests use the
 * in-memory version. Every string marked secret must be encrypted at rest.
 */

/** Who a context belongs to: the PSD2 provider itself, or one connected user. */
export type Principal = "provider" | `connection:${string}`;

export interface BunqSession {
  /** Id returned by session-server (used for DELETE session/{id}). */
  readonly id: number;
  /** Session token (secret). */
  readonly token: string;
  /** When bunq will consider the session expired, computed from session_timeout. */
  readonly expiresAt: Date;
  /** The user id that goes into URLs (for OAuth sessions: the UserApiKey id). */
  readonly userId: number;
}

export interface ApiContextState {
  readonly principal: Principal;
  readonly environment: "sandbox" | "production";
  /** The API key or OAuth access token this context was registered with (secret). */
  readonly secret: string;
  /** RSA 2048 private key, PKCS#8 PEM (secret). */
  readonly privateKeyPem: string;
  /** SPKI PEM exactly as sent to POST installation. */
  readonly publicKeyPem: string;
  /** Installation token (secret). */
  readonly installationToken: string;
  readonly serverPublicKeyPem: string;
  /** Set once device-server succeeded. */
  readonly deviceServerId?: number;
  readonly session?: BunqSession;
}

export interface ApiContextStore {
  load(principal: Principal): Promise<ApiContextState | undefined>;
  save(state: ApiContextState): Promise<void>;
  delete(principal: Principal): Promise<void>;
}

/** Keeps contexts in a Map; for tests and one-off scripts. */
export class InMemoryApiContextStore implements ApiContextStore {
  readonly #states = new Map<Principal, ApiContextState>();

  async load(principal: Principal): Promise<ApiContextState | undefined> {
    return this.#states.get(principal);
  }

  async save(state: ApiContextState): Promise<void> {
    this.#states.set(state.principal, state);
  }

  async delete(principal: Principal): Promise<void> {
    this.#states.delete(principal);
  }
}
