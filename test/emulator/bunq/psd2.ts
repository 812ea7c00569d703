/**
 * PSD2 provider and OAuth helpers for the emulator's own tests, made directly with node:crypto
 * and node-forge (as an operator would with openssl), not through the product client.
 */
import { createPrivateKey, sign } from "node:crypto";
import forge from "node-forge";
import { expect } from "vitest";
import type { BunqEmulator } from "../../../src/emulator/bunq/index.js";
import { control, RawBunq } from "./raw-client.js";

export const REDIRECT = "http://127.0.0.1:3999/oauth/callback";
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A self-signed certificate made directly with node-forge, as an operator would with openssl. */
export function selfSigned(commonName: string) {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = "01";
  certificate.validity.notBefore = new Date();
  certificate.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [
    { name: "commonName", value: commonName },
    { name: "countryName", value: "NL" },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  return { pem: forge.pki.certificateToPem(certificate), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

export async function registerCredential(
  bunq: RawBunq,
  cert: { pem: string; keyPem: string },
  tamper = false,
) {
  const signed = bunq.keys.publicKey + bunq.installationToken + (tamper ? "x" : "");
  return bunq.call("POST", "/payment-service-provider-credential", {
    token: bunq.installationToken,
    body: {
      client_payment_service_provider_certificate: cert.pem,
      client_payment_service_provider_certificate_chain: cert.pem,
      client_public_key_signature: sign(
        "sha256",
        Buffer.from(signed),
        createPrivateKey(cert.keyPem),
      ).toString("base64"),
    },
  });
}

export async function installOnly(bunq: RawBunq) {
  const installation = await bunq.call("POST", "/installation", {
    body: { client_public_key: bunq.keys.publicKey },
  });
  const merged = Object.assign({}, ...installation.json.Response);
  bunq.installationToken = merged.Token.token;
  bunq.serverPublicKey = merged.ServerPublicKey.server_public_key;
}

export interface Provider {
  readonly bunq: RawBunq;
  readonly client: { id: number; client_id: string; secret: string };
}

/**
 * A PSD2 provider with its OAuth client and `REDIRECT` as callback URL. Waits `gap` ms before
 * session-server, whose rate limit (1 per 30 scaled seconds) the caller's time scale sets.
 */
export async function psd2Provider(emulator: BunqEmulator, commonName: string, gap = 40): Promise<Provider> {
  const bunq = new RawBunq(emulator.urls.api);
  await installOnly(bunq);
  const credential = await registerCredential(bunq, selfSigned(commonName));
  expect(credential.status).toBe(200);
  const apiKey = credential.json.Response[0].CredentialPasswordIp.token_value;
  await bunq.call("POST", "/device-server", {
    body: { description: "psd2", secret: apiKey },
    token: bunq.installationToken,
  });
  await pause(gap);
  await bunq.openSession(apiKey);
  const created = await bunq.call("POST", `/user/${bunq.userId}/oauth-client`, {
    token: bunq.sessionToken,
    body: { status: "ACTIVE" },
  });
  const clientId = created.json.Response[0].Id.id;
  await bunq.call("POST", `/user/${bunq.userId}/oauth-client/${clientId}/callback-url`, {
    token: bunq.sessionToken,
    body: { url: REDIRECT },
  });
  await pause(5);
  const client = (await bunq.get(`/user/{me}/oauth-client/${clientId}`)).json.Response[0].OauthClient;
  return { bunq, client: { ...client, id: clientId } };
}

/** The user approves the provider's app (the consent page's shortcut); returns the access token. */
export async function approve(emulator: BunqEmulator, provider: Provider, userId: number): Promise<string> {
  const { location } = await control(emulator.urls.control, "POST", "/oauth/authorize", {
    client_id: provider.client.client_id,
    redirect_uri: REDIRECT,
    state: "s",
    user_id: userId,
    approve: true,
  });
  const url = new URL(emulator.urls.oauthToken);
  for (const [k, v] of Object.entries({
    grant_type: "authorization_code",
    code: new URL(location as string).searchParams.get("code")!,
    redirect_uri: REDIRECT,
    client_id: provider.client.client_id,
    client_secret: provider.client.secret,
  })) {
    url.searchParams.set(k, v);
  }
  const token = (await (await fetch(url, { method: "POST" })).json()) as { access_token: string };
  return token.access_token;
}

/** The app's API context on an access token (waits `gap` ms for session-server's limit first). */
export async function connectApp(emulator: BunqEmulator, accessToken: string, gap = 40): Promise<RawBunq> {
  const app = new RawBunq(emulator.urls.api);
  await installOnly(app);
  await app.call("POST", "/device-server", {
    body: { description: "app", secret: accessToken, permitted_ips: ["*"] },
    token: app.installationToken,
  });
  await pause(gap);
  const session = await app.openSession(accessToken);
  expect(session.status, session.body.toString()).toBe(200);
  return app;
}
