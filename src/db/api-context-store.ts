/**
 * The database implementation of the bunq client's ApiContextStore. Every secret column is
 * encrypted and bound to its principal, so a context copied to another row cannot be used.
 * bunq's server public key is not secret but is bound the same way: whoever could swap it
 * could make forged bunq responses verify.
 */
import { eq } from "drizzle-orm";
import type { ApiContextState, ApiContextStore, Principal } from "../bunq/context-store.js";
import type { Database } from "./client.js";
import type { Keyring } from "./crypto.js";
import { binding } from "./encrypted-columns.js";
import { bunqApiContexts } from "./schema.js";

type Purpose = "secret" | "private_key" | "installation_token" | "session_token" | "server_public_key";

export class DatabaseApiContextStore implements ApiContextStore {
  constructor(
    private readonly db: Database,
    private readonly keyring: Keyring,
  ) {}

  async load(principal: Principal): Promise<ApiContextState | undefined> {
    const [row] = await this.db
      .select()
      .from(bunqApiContexts)
      .where(eq(bunqApiContexts.principal, principal));
    if (!row) return undefined;
    // A server key in clear (a row from before keys were bound, or one edited to look like it)
    // is never trusted: the context is made anew. `npm run db:rotate-keys` binds old rows.
    if (row.serverPublicKeyEncrypted === null) return undefined;
    const open = (value: string, purpose: Purpose) =>
      this.keyring.decrypt(value, binding("bunqApiContexts", principal, purpose));
    const hasSession =
      row.sessionId !== null &&
      row.sessionTokenEncrypted !== null &&
      row.sessionUserId !== null &&
      row.sessionExpiresAt !== null;
    return {
      principal,
      environment: row.environment,
      secret: open(row.secretEncrypted, "secret"),
      privateKeyPem: open(row.privateKeyEncrypted, "private_key"),
      publicKeyPem: row.publicKeyPem,
      installationToken: open(row.installationTokenEncrypted, "installation_token"),
      serverPublicKeyPem: open(row.serverPublicKeyEncrypted, "server_public_key"),
      deviceServerId: row.deviceServerId ?? undefined,
      session: hasSession
        ? {
            id: row.sessionId!,
            token: open(row.sessionTokenEncrypted!, "session_token"),
            userId: row.sessionUserId!,
            expiresAt: row.sessionExpiresAt!,
          }
        : undefined,
    };
  }

  async save(state: ApiContextState): Promise<void> {
    const seal = (value: string, purpose: Purpose) =>
      this.keyring.encrypt(value, binding("bunqApiContexts", state.principal, purpose));
    const values = {
      environment: state.environment,
      secretEncrypted: seal(state.secret, "secret"),
      privateKeyEncrypted: seal(state.privateKeyPem, "private_key"),
      publicKeyPem: state.publicKeyPem,
      installationTokenEncrypted: seal(state.installationToken, "installation_token"),
      serverPublicKeyEncrypted: seal(state.serverPublicKeyPem, "server_public_key"),
      serverPublicKeyPem: null,
      deviceServerId: state.deviceServerId ?? null,
      sessionId: state.session?.id ?? null,
      sessionTokenEncrypted: state.session ? seal(state.session.token, "session_token") : null,
      sessionUserId: state.session?.userId ?? null,
      sessionExpiresAt: state.session?.expiresAt ?? null,
      updatedAt: new Date(),
    };
    await this.db
      .insert(bunqApiContexts)
      .values({ principal: state.principal, ...values })
      .onConflictDoUpdate({ target: bunqApiContexts.principal, set: values });
  }

  async delete(principal: Principal): Promise<void> {
    await this.db.delete(bunqApiContexts).where(eq(bunqApiContexts.principal, principal));
  }
}
