/**
 * The operator's one-time (and idempotent) registration as a PSD2 provider: certificate,
 * credential, API context, OAuth client and callback URL. Run again, it finds everything in
 * place and changes nothing at bunq.
 */
import { readFile } from "node:fs/promises";
import { isLoopbackUrl, type Config } from "../config.js";
import { ApiContext } from "../bunq/api-context.js";
import type { ApiContextStore } from "../bunq/context-store.js";
import {
  ensureOAuthClient,
  generateSandboxCertificate,
  registerPsd2Credential,
  type Psd2Certificate,
} from "../bunq/psd2.js";
import type { ProviderRegistration, ProviderRegistrationStore } from "../bunq/provider-store.js";
import type { BunqTransport } from "../bunq/transport.js";

export interface ProviderSetupDeps {
  readonly transport: BunqTransport;
  readonly contexts: ApiContextStore;
  readonly registrations: ProviderRegistrationStore;
  readonly environment: "sandbox" | "production";
  readonly callbackUrl: string;
  /** Where the certificate comes from when none is stored yet. */
  readonly obtainCertificate: () => Promise<Psd2Certificate>;
  readonly timeScale?: number;
  /** Told each step as it is done (start-up logs them one line each). */
  readonly onStep?: (step: string) => void;
}

export interface ProviderSetupSummary {
  readonly environment: string;
  readonly providerUserId: number;
  readonly oauthClientId: string;
  readonly callbackUrls: readonly string[];
  /** What this run did; empty when everything was already in place. */
  readonly changes: readonly string[];
}

const publicBase = (config: Pick<Config, "http">) =>
  config.http.publicBaseUrl ?? `http://127.0.0.1:${config.http.port}`;

/** Where bunq sends users back after consent. */
export function oauthCallbackUrl(config: Pick<Config, "http">): string {
  return `${publicBase(config)}/oauth/callback`;
}

/**
 * Where bunq's callbacks for a connection go: this prefix and the connection's secret. bunq
 * must reach it, so it needs PUBLIC_BASE_URL — except when bunq is our emulator on this
 * machine (the offline demo, the tests), which reaches the local server. Undefined: no
 * notifications.
 */
export function bunqCallbackPrefix(config: Pick<Config, "http" | "bunq">): string | undefined {
  if (!config.http.publicBaseUrl && !isLoopbackUrl(config.bunq.apiBaseUrl)) return undefined;
  return `${publicBase(config)}/bunq/callback/`;
}

/** The certificate source the configuration implies: QSEAL files in production, self-signed in sandbox. */
export function certificateSource(
  config: Pick<Config, "bunq">,
  appName = "bunqbot",
): () => Promise<Psd2Certificate> {
  const psd2 = config.bunq.psd2;
  if (config.bunq.environment === "production" || psd2) {
    if (!psd2) throw new Error("BUNQ_PSD2_CERT_PATH and BUNQ_PSD2_KEY_PATH are required in production");
    return async () => {
      const certificatePem = await readFile(psd2.certPath, "utf8");
      return {
        certificatePem,
        chainPem: psd2.chainPath ? await readFile(psd2.chainPath, "utf8") : certificatePem,
        privateKeyPem: await readFile(psd2.keyPath, "utf8"),
      };
    };
  }
  return () => generateSandboxCertificate(appName);
}

export async function setUpProvider(deps: ProviderSetupDeps): Promise<ProviderSetupSummary> {
  const changes: string[] = [];
  const done = (...steps: string[]) => {
    changes.push(...steps);
    for (const step of steps) deps.onStep?.(step);
  };
  let registration = await deps.registrations.load(deps.environment);
  if (!registration) {
    registration = {
      environment: deps.environment,
      certificate: await deps.obtainCertificate(),
      callbackUrls: [],
    };
    await deps.registrations.save(registration);
    done("stored the PSD2 certificate");
  }
  const certificate = registration.certificate;
  let registered = false;
  const context = await ApiContext.openWithSecretFrom(
    "provider",
    async (installation) => {
      const secret = await registerPsd2Credential(deps.transport, installation, certificate);
      registered = true;
      done("installation", "PSD2 credential");
      return secret;
    },
    {
      transport: deps.transport,
      store: deps.contexts,
      environment: deps.environment,
      timeScale: deps.timeScale,
    },
  );
  if (registered) done("device-server");
  const session = await context.session();
  const client = await ensureOAuthClient(context, deps.callbackUrl);
  if (client.changed) done("OAuth client and callback URL");
  const updated: ProviderRegistration = {
    ...registration,
    oauthClientId: client.clientId,
    oauthClientSecret: client.clientSecret,
    callbackUrls: client.callbackUrls,
  };
  if (
    registration.oauthClientId !== updated.oauthClientId ||
    registration.oauthClientSecret !== updated.oauthClientSecret ||
    registration.callbackUrls.join() !== updated.callbackUrls.join()
  ) {
    await deps.registrations.save(updated);
  }
  return {
    environment: deps.environment,
    providerUserId: session.userId,
    oauthClientId: client.clientId,
    callbackUrls: client.callbackUrls,
    changes,
  };
}

/** What start-up should tell the operator is missing (empty when ready). */
export async function checkProviderSetup(
  deps: Pick<ProviderSetupDeps, "contexts" | "registrations" | "environment" | "callbackUrl">,
): Promise<string[]> {
  const missing: string[] = [];
  const registration = await deps.registrations.load(deps.environment);
  const context = await deps.contexts.load("provider");
  if (!registration) missing.push("PSD2 certificate");
  if (!context?.deviceServerId) missing.push("PSD2 credential and API context");
  if (!registration?.oauthClientId) missing.push("OAuth client");
  if (registration && !registration.callbackUrls.includes(deps.callbackUrl)) {
    missing.push(`OAuth callback URL ${deps.callbackUrl}`);
  }
  return missing;
}
