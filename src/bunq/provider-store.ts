/**
 * Persistence port for the PSD2 provider's registration (certificate and OAuth client), next
 * to the ApiContextStore; `src/db/` implements it with the secrets encrypted.
 */
import type { Psd2Certificate } from "./psd2.js";

export interface ProviderRegistration {
  readonly environment: "sandbox" | "production";
  readonly certificate: Psd2Certificate;
  readonly oauthClientId?: string;
  /** Secret. */
  readonly oauthClientSecret?: string;
  readonly callbackUrls: readonly string[];
}

export interface ProviderRegistrationStore {
  load(environment: "sandbox" | "production"): Promise<ProviderRegistration | undefined>;
  save(registration: ProviderRegistration): Promise<void>;
}
