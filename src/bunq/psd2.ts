/**
 * Registering as a PSD2 provider: a QSEAL certificate (in the sandbox a self-signed one whose
 * CN names the roles), the credential bunq issues for it, and the single OAuth client.
 */
import { createPrivateKey, sign } from "node:crypto";
import forge from "node-forge";
import { z } from "zod";
import type { ApiContext, InstallationDetails } from "./api-context.js";
import { unwrapList, unwrapObject } from "./envelope.js";
import { generateInstallationKeyPair } from "./signing.js";
import type { BunqTransport } from "./transport.js";

export interface Psd2Certificate {
  readonly certificatePem: string;
  /** Intermediate and root certificates; for a self-signed certificate, itself. */
  readonly chainPem: string;
  /** PKCS#8 PEM (secret). */
  readonly privateKeyPem: string;
}

/** bunq's sandbox accepts self-signed certificates whose CN names AISP and/or PISP (docs). */
export async function generateSandboxCertificate(appName: string): Promise<Psd2Certificate> {
  const keys = await generateInstallationKeyPair();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  certificate.validity.notBefore = new Date();
  certificate.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const subject = [
    { name: "commonName", value: `${appName} PISP AISP` },
    { name: "countryName", value: "NL" },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(certificate);
  return { certificatePem, chainPem: certificatePem, privateKeyPem: keys.privateKeyPem };
}

const credentialAnswer = z.object({
  CredentialPasswordIp: z.object({ id: z.number().int(), token_value: z.string().min(1) }),
});

/**
 * Exchanges the certificate for the provider's API key. The certificate's key signs the
 * installation public key PEM exactly as sent, followed by the installation token.
 */
export async function registerPsd2Credential(
  transport: BunqTransport,
  installation: InstallationDetails,
  certificate: Psd2Certificate,
): Promise<string> {
  const signature = sign(
    "sha256",
    Buffer.from(installation.publicKeyPem + installation.installationToken, "utf8"),
    createPrivateKey(certificate.privateKeyPem),
  ).toString("base64");
  const response = await transport.send({
    method: "POST",
    path: "/payment-service-provider-credential",
    body: {
      client_payment_service_provider_certificate: certificate.certificatePem,
      client_payment_service_provider_certificate_chain: certificate.chainPem,
      client_public_key_signature: signature,
    },
    authentication: installation.installationToken,
    serverPublicKeyPem: installation.serverPublicKeyPem,
  });
  return unwrapObject(response.body, credentialAnswer).CredentialPasswordIp.token_value;
}

const oauthClient = z.object({
  OauthClient: z.object({
    id: z.number().int(),
    status: z.string().optional(),
    client_id: z.string(),
    secret: z.string(),
    callback_url: z.array(z.object({ url: z.string() })).default([]),
  }),
});

export interface OAuthClientRegistration {
  readonly id: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly callbackUrls: readonly string[];
  /** Whether this call created the client or added the callback URL. */
  readonly changed: boolean;
}

/** Reuses the provider's one OAuth client (creating it if missing) and ensures the callback URL. */
export async function ensureOAuthClient(
  context: ApiContext,
  callbackUrl: string,
): Promise<OAuthClientRegistration> {
  const list = async () =>
    unwrapList(
      (await context.send({ method: "GET", path: "/user/{userId}/oauth-client", idempotent: true })).body,
      oauthClient,
    ).items;
  let changed = false;
  let [client] = await list();
  if (!client) {
    const created = await context.send({
      method: "POST",
      path: "/user/{userId}/oauth-client",
      body: { status: "ACTIVE" },
    });
    const id = unwrapObject(created.body, z.object({ Id: z.object({ id: z.number().int() }) })).Id.id;
    const read = await context.send({
      method: "GET",
      path: `/user/{userId}/oauth-client/${id}`,
      idempotent: true,
    });
    client = unwrapObject(read.body, oauthClient);
    changed = true;
  }
  const urls = client.OauthClient.callback_url.map((entry) => entry.url);
  if (!urls.includes(callbackUrl)) {
    await context.send({
      method: "POST",
      path: `/user/{userId}/oauth-client/${client.OauthClient.id}/callback-url`,
      body: { url: callbackUrl },
    });
    urls.push(callbackUrl);
    changed = true;
  }
  return {
    id: client.OauthClient.id,
    clientId: client.OauthClient.client_id,
    clientSecret: client.OauthClient.secret,
    callbackUrls: urls,
    changed,
  };
}
