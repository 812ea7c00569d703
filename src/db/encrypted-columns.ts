/**
 * Every encrypted column in the schema, with the row key and purpose its ciphertexts are
 * bound to. Writers and the key rotation both go through this list, so a new secret column
 * cannot be forgotten by the rotation.
 */
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Binding } from "./crypto.js";
import { bunqApiContexts, bunqConnections, oauthStates, providerRegistrations } from "./schema.js";

export interface EncryptedColumnGroup {
  readonly table: PgTable;
  readonly tableName: string;
  readonly rowKey: PgColumn;
  readonly columns: Readonly<Record<string, PgColumn>>;
}

export const ENCRYPTED_COLUMNS = {
  bunqApiContexts: {
    table: bunqApiContexts,
    tableName: "bunq_api_contexts",
    rowKey: bunqApiContexts.principal,
    columns: {
      secret: bunqApiContexts.secretEncrypted,
      private_key: bunqApiContexts.privateKeyEncrypted,
      installation_token: bunqApiContexts.installationTokenEncrypted,
      session_token: bunqApiContexts.sessionTokenEncrypted,
      server_public_key: bunqApiContexts.serverPublicKeyEncrypted,
    },
  },
  bunqConnections: {
    table: bunqConnections,
    tableName: "bunq_connections",
    rowKey: bunqConnections.chatId,
    columns: { access_token: bunqConnections.accessTokenEncrypted },
  },
  providerRegistrations: {
    table: providerRegistrations,
    tableName: "provider_registrations",
    rowKey: providerRegistrations.environment,
    columns: {
      certificate_private_key: providerRegistrations.certificatePrivateKeyEncrypted,
      oauth_client_secret: providerRegistrations.oauthClientSecretEncrypted,
    },
  },
  oauthStates: {
    table: oauthStates,
    tableName: "oauth_states",
    rowKey: oauthStates.stateHash,
    columns: { pending: oauthStates.pendingEncrypted },
  },
} as const satisfies Record<string, EncryptedColumnGroup>;

type Groups = typeof ENCRYPTED_COLUMNS;

/** The binding for one secret: `binding("bunqConnections", chatId, "access_token")`. */
export function binding<G extends keyof Groups>(
  group: G,
  row: string | number,
  purpose: keyof Groups[G]["columns"] & string,
): Binding {
  return { table: ENCRYPTED_COLUMNS[group].tableName, row: String(row), purpose };
}
