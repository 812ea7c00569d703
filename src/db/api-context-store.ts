/**
 * The database implementation of the bunq client's ApiContextStore. Every secret column is
 * encrypted and bound to its principal, so a context copied to another row cannot be used.
 */
import { eq } from "drizzle-orm";
import type { ApiContextState, ApiContextStore, Principal } from "../bunq/context-store.js";
import type { Database } from "./client.js";
import type { Keyring } from "./crypto.js";
import { binding } from "./encrypted-columns.js";
import { bunqApiContexts } from "./schema.js";

type Purpose = "secret" | "private_key" | "installation_token" | "session_token";

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
    if (row.serverPublicKeyPem === null) throw new Error(`${principal}: no bunq server public key stored`);
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
      serverPublicKeyPem: row.serverPublicKeyPem,
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
      serverPublicKeyPem: state.serverPublicKeyPem,
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
