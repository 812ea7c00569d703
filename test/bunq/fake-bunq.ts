/**
 * A throwaway bunq-like server for unit tests of the transport: signs its responses with its
 * own key and lets each test script the answers. The real fidelity tests run against the bunq
 * emulator; this only exercises the client's own mechanics.
 */
import { createPrivateKey, sign } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateInstallationKeyPair, type KeyPair } from "../../src/bunq/signing.js";

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
  readonly at: number;
}

export interface ScriptedAnswer {
  readonly status?: number;
  readonly body?: unknown;
  readonly corruptSignature?: boolean;
}

/**
 * bunq's answers to opening an API context — installation, device-server, session-server (for
 * `user`) — or undefined for any other path, which the test answers itself.
 */
export function contextAnswer(
  pathname: string,
  serverPublicKeyPem: string,
  user: { id: number; display_name: string; session_timeout?: number },
): ScriptedAnswer | undefined {
  if (pathname === "/v1/installation") {
    return {
      body: {
        Response: [
          { Id: { id: 1 } },
          { Token: { token: "installation-token" } },
          { ServerPublicKey: { server_public_key: serverPublicKeyPem } },
        ],
      },
    };
  }
  if (pathname === "/v1/device-server") return { body: { Response: [{ Id: { id: 2 } }] } };
  if (pathname === "/v1/session-server") {
    return {
      body: {
        Response: [{ Id: { id: 100 } }, { Token: { token: "session-token-secret" } }, { UserPerson: user }],
      },
    };
  }
  return undefined;
}

export async function startFakeBunq(answer: (req: RecordedRequest, index: number) => ScriptedAnswer) {
  const serverKeys: KeyPair = await generateInstallationKeyPair();
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      requests.push(recorded);
      const scripted = answer(recorded, requests.length - 1);
      const body = Buffer.from(JSON.stringify(scripted.body ?? { Response: [] }));
      let signature = sign("sha256", body, createPrivateKey(serverKeys.privateKeyPem)).toString("base64");
      if (scripted.corruptSignature) signature = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
      res.writeHead(scripted.status ?? 200, {
        "Content-Type": "application/json",
        "X-Bunq-Server-Signature": signature,
        "X-Bunq-Client-Response-Id": `response-${requests.length}`,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    serverPublicKeyPem: serverKeys.publicKeyPem,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
