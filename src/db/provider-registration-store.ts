/** The database implementation of ProviderRegistrationStore; private key and client secret encrypted. */
import { eq } from "drizzle-orm";
import type { ProviderRegistration, ProviderRegistrationStore } from "../bunq/provider-store.js";
import type { Database } from "./client.js";
import type { Keyring } from "./crypto.js";
import { binding } from "./encrypted-columns.js";
import { providerRegistrations } from "./schema.js";

export class DatabaseProviderRegistrationStore implements ProviderRegistrationStore {
  constructor(
    private readonly db: Database,
    private readonly keyring: Keyring,
  ) {}

  async load(environment: "sandbox" | "production"): Promise<ProviderRegistration | undefined> {
    const [row] = await this.db
      .select()
      .from(providerRegistrations)
      .where(eq(providerRegistrations.environment, environment));
    if (!row) return undefined;
    return {
      environment,
      certificate: {
        certificatePem: row.certificatePem,
        chainPem: row.certificateChainPem ?? row.certificatePem,
        privateKeyPem: this.keyring.decrypt(
          row.certificatePrivateKeyEncrypted,
          binding("providerRegistrations", environment, "certificate_private_key"),
        ),
      },
      oauthClientId: row.oauthClientId ?? undefined,
      oauthClientSecret: row.oauthClientSecretEncrypted
        ? this.keyring.decrypt(
            row.oauthClientSecretEncrypted,
            binding("providerRegistrations", environment, "oauth_client_secret"),
          )
        : undefined,
      callbackUrls: row.callbackUrls,
    };
  }

  async save(registration: ProviderRegistration): Promise<void> {
    const { environment } = registration;
    const values = {
      certificatePem: registration.certificate.certificatePem,
      certificateChainPem: registration.certificate.chainPem,
      certificatePrivateKeyEncrypted: this.keyring.encrypt(
        registration.certificate.privateKeyPem,
        binding("providerRegistrations", environment, "certificate_private_key"),
      ),
      oauthClientId: registration.oauthClientId ?? null,
      oauthClientSecretEncrypted: registration.oauthClientSecret
        ? this.keyring.encrypt(
            registration.oauthClientSecret,
            binding("providerRegistrations", environment, "oauth_client_secret"),
          )
        : null,
      callbackUrls: [...registration.callbackUrls],
      updatedAt: new Date(),
    };
    await this.db
      .insert(providerRegistrations)
      .values({ environment, ...values })
      .onConflictDoUpdate({ target: providerRegistrations.environment, set: values });
  }
}
