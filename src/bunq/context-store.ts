/**
 * Persistence port for bunq API contexts. The client library only talks to this
 * interface; `src/db/` implements it with encrypted columns, tests use the
 * in-memory version. Every string marked secret must be encrypted at rest.
 */
import { z } from "zod";

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

/**
 * A context as JSON, for carrying it (encrypted) between two steps of a flow — e.g. from the
 * OAuth callback to the user's confirmation — before it is saved to a store.
 */
export function serializeContextState(state: ApiContextState): string {
  return JSON.stringify(state);
}

const sessionJson = z.object({
  id: z.number().int(),
  token: z.string(),
  expiresAt: z.coerce.date(),
  userId: z.number().int(),
});
const stateJson = z.object({
  principal: z.custom<Principal>(
    (value) => typeof value === "string" && (value === "provider" || value.startsWith("connection:")),
  ),
  environment: z.enum(["sandbox", "production"]),
  secret: z.string(),
  privateKeyPem: z.string(),
  publicKeyPem: z.string(),
  installationToken: z.string(),
  serverPublicKeyPem: z.string(),
  deviceServerId: z.number().int().optional(),
  session: sessionJson.optional(),
});

export function parseContextState(json: string): ApiContextState {
  const { deviceServerId, session, ...rest } = stateJson.parse(JSON.parse(json));
  return {
    ...rest,
    ...(deviceServerId === undefined ? {} : { deviceServerId }),
    ...(session ? { session } : {}),
  };
}
