/**
 * The API context: installation → device-server → session-server, and session deletion.
 * Installation and device tokens authenticate only the device and session calls; the
 * session token authenticates everything else.
 */
import { z } from "zod";
import { BunqHttpError, badRequest, insufficientAuthorisation, notFound } from "../errors.js";
import { respond, type ApiRoute } from "../router.js";
import { randomToken } from "../state.js";
import { userApiKeyObject, userObject } from "../users.js";

const installationBody = z.object({ client_public_key: z.string().startsWith("-----BEGIN PUBLIC KEY-----") });
const deviceBody = z.object({
  description: z.string(),
  secret: z.string().min(1),
  permitted_ips: z.array(z.string()).optional(),
});
const sessionBody = z.object({ secret: z.string().min(1) });

function parse<T>(schema: z.ZodType<T>, json: unknown): T {
  const result = schema.safeParse(json);
  if (!result.success) {
    const field = result.error.issues[0]?.path.join(".") || "body";
    throw badRequest(`Invalid or missing field "${field}".`);
  }
  return result.data;
}

export const contextRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/installation",
    auth: "none",
    handle(request, { state, serverPublicKeyPem }) {
      const body = parse(installationBody, request.json);
      const installation = {
        id: state.nextId(),
        token: randomToken(),
        clientPublicKeyPem: body.client_public_key,
      };
      state.installations.set(installation.token, installation);
      return respond(
        { Id: { id: installation.id } },
        { Token: { id: state.nextId(), created: "", updated: "", token: installation.token } },
        { ServerPublicKey: { server_public_key: serverPublicKeyPem } },
      );
    },
  },
  {
    method: "POST",
    path: "/device-server",
    auth: "installation",
    handle(request, { state }) {
      const body = parse(deviceBody, request.json);
      if (!state.userByApiKey(body.secret) && !state.grants.has(body.secret)) {
        throw new BunqHttpError(400, "User credentials are incorrect. Incorrect API key or IP address.");
      }
      const device = {
        id: state.nextId(),
        installationToken: request.installation!.token,
        secret: body.secret,
      };
      state.devices.push(device);
      return respond({ Id: { id: device.id } });
    },
  },
  {
    method: "POST",
    path: "/session-server",
    auth: "installation",
    signed: true,
    handle(request, { state, timeScale }) {
      const body = parse(sessionBody, request.json);
      const installationToken = request.installation!.token;
      const registered = state.devices.some(
        (d) => d.installationToken === installationToken && d.secret === body.secret,
      );
      if (!registered)
        throw new BunqHttpError(400, "User credentials are incorrect. Incorrect API key or IP address.");
      const grant = state.grants.get(body.secret);
      const user = grant ? state.users.get(grant.requestedByUserId) : state.userByApiKey(body.secret);
      if (!user) throw insufficientAuthorisation();
      const session = {
        id: state.nextId(),
        token: randomToken(),
        installationToken,
        userId: grant ? grant.grantedByUserId : user.id,
        apiKeyUserId: grant?.userApiKeyId,
        // An OAuth session lives as long as the requesting user's auto-logout.
        expiresAt: Date.now() + user.sessionTimeout * 1000 * timeScale,
      };
      state.sessions.set(session.token, session);
      return respond(
        { Id: { id: session.id } },
        { Token: { id: state.nextId(), created: "", updated: "", token: session.token } },
        grant ? userApiKeyObject(state, grant) : userObject(user),
      );
    },
  },
  {
    method: "DELETE",
    path: "/session/:sessionId",
    auth: "session",
    handle(request, { state }) {
      const target = [...state.sessions.values()].find((s) => s.id === Number(request.params.sessionId));
      if (!target || target.token !== request.session?.token) throw notFound("session");
      state.sessions.delete(target.token);
      return respond();
    },
  },
];
