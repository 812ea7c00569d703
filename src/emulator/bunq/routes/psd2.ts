/**
 * Registering as a PSD2 provider: a credential bought with a (sandbox: self-signed) QSEAL
 * certificate whose key signs the installation public key followed by the installation token,
 * then one OAuth client with its callback URLs.
 */
import { X509Certificate, verify } from "node:crypto";
import { z } from "zod";
import { BunqHttpError, badRequest, notFound } from "../errors.js";
import { formatTime } from "../format.js";
import { respond, type ApiRequest, type ApiRoute, type Emulation } from "../router.js";
import { randomToken, type OAuthClient } from "../state.js";
import { ownerId } from "./owner.js";

const credentialBody = z.object({
  client_payment_service_provider_certificate: z.string().min(1),
  client_payment_service_provider_certificate_chain: z.string().min(1),
  client_public_key_signature: z.string().min(1),
});

/** The PSD2 session: the provider's first session lasts an hour (docs). */
const PROVIDER_SESSION_TIMEOUT_SECONDS = 3600;

function registerProvider(request: ApiRequest, { state }: Emulation) {
  const parsed = credentialBody.safeParse(request.json);
  if (!parsed.success)
    throw badRequest(`Invalid or missing field "${parsed.error.issues[0]?.path.join(".")}".`);
  const body = parsed.data;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(body.client_payment_service_provider_certificate);
  } catch {
    throw badRequest("The certificate could not be parsed.");
  }
  const commonName = /CN=([^\n,]+)/.exec(certificate.subject)?.[1] ?? "";
  if (!/\b(AISP|PISP)\b/.test(commonName)) {
    throw badRequest("The certificate does not name a PSD2 role (AISP and/or PISP) in its common name.");
  }
  const installation = request.installation!;
  const signed = Buffer.from(installation.clientPublicKeyPem + installation.token, "utf8");
  const signature = Buffer.from(body.client_public_key_signature, "base64");
  if (!verify("sha256", signed, certificate.publicKey, signature)) {
    throw badRequest("The client public key signature is invalid.");
  }
  const user = {
    id: state.nextId(),
    kind: "UserPaymentServiceProvider" as const,
    displayName: commonName.replace(/\b(AISP|PISP)\b/g, "").trim() || commonName,
    sessionTimeout: PROVIDER_SESSION_TIMEOUT_SECONDS,
    apiKey: randomToken(),
  };
  state.users.set(user.id, user);
  const now = formatTime(new Date());
  return respond({
    CredentialPasswordIp: {
      id: state.nextId(),
      created: now,
      updated: now,
      status: "PENDING_FIRST_USE",
      expiry_time: formatTime(new Date(Date.now() + 3600_000)),
      token_value: user.apiKey,
      permitted_device: null,
    },
  });
}

function clientObject(client: OAuthClient) {
  return {
    OauthClient: {
      id: client.id,
      status: "ACTIVE",
      display_name: "OAuth client",
      client_id: client.clientId,
      secret: client.secret,
      // The spec lists plain OauthCallbackUrl objects here, not wrapped ones.
      callback_url: client.callbackUrls.map((c) => ({ id: c.id, url: c.url })),
    },
  };
}

function providerClient(request: ApiRequest, { state }: Emulation): OAuthClient {
  const owner = ownerId(request);
  const client = state.oauthClients.get(Number(request.params.clientId));
  if (!client || client.providerUserId !== owner) throw notFound("OAuth client");
  return client;
}

function requireProvider(request: ApiRequest, { state }: Emulation): number {
  const owner = ownerId(request);
  if (state.users.get(owner)?.kind !== "UserPaymentServiceProvider") {
    throw new BunqHttpError(403, "Only PSD2 service providers can manage OAuth clients.");
  }
  return owner;
}

export const psd2Routes: ApiRoute[] = [
  {
    method: "POST",
    path: "/payment-service-provider-credential",
    auth: "installation",
    handle: registerProvider,
  },
  {
    method: "POST",
    path: "/user/:userId/oauth-client",
    auth: "session",
    handle(request, emulation) {
      const owner = requireProvider(request, emulation);
      const { state } = emulation;
      if ([...state.oauthClients.values()].some((c) => c.providerUserId === owner)) {
        throw badRequest("You can only have one OAuth client.");
      }
      const client: OAuthClient = {
        id: state.nextId(),
        providerUserId: owner,
        clientId: randomToken(),
        secret: randomToken(),
        callbackUrls: [],
      };
      state.oauthClients.set(client.id, client);
      return respond({ Id: { id: client.id } });
    },
  },
  {
    method: "GET",
    path: "/user/:userId/oauth-client",
    auth: "session",
    handle(request, emulation) {
      const owner = ownerId(request);
      const clients = [...emulation.state.oauthClients.values()].filter((c) => c.providerUserId === owner);
      return respond(...clients.map(clientObject));
    },
  },
  {
    method: "GET",
    path: "/user/:userId/oauth-client/:clientId",
    auth: "session",
    handle: (request, emulation) => respond(clientObject(providerClient(request, emulation))),
  },
  {
    method: "POST",
    path: "/user/:userId/oauth-client/:clientId/callback-url",
    auth: "session",
    handle(request, emulation) {
      const client = providerClient(request, emulation);
      const parsed = z.object({ url: z.url() }).safeParse(request.json);
      if (!parsed.success) throw badRequest('Invalid or missing field "url".');
      const callback = { id: emulation.state.nextId(), url: parsed.data.url };
      client.callbackUrls.push(callback);
      return respond({ Id: { id: callback.id } });
    },
  },
];
