/**
 * A deliberately small, independent bunq caller for the emulator's own tests: it signs and
 * verifies with node:crypto directly, so the emulator is not tested through the product client.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { afterAll, beforeAll, expect } from "vitest";
import { startBunqEmulator, type BunqEmulator } from "../../../src/emulator/bunq/index.js";

export interface RawAnswer {
  status: number;
  json: any;
  body: Buffer;
  signatureValid: boolean;
}

export class RawBunq {
  readonly keys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  installationToken = "";
  sessionToken = "";
  serverPublicKey = "";
  userId = 0;
  sessionUser: any;

  constructor(readonly api: string) {}

  async call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; sign?: boolean | "tamper" } = {},
  ): Promise<RawAnswer> {
    const body = options.body === undefined ? "" : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      "Cache-Control": "no-cache",
      "User-Agent": "raw-test",
      "X-Bunq-Client-Request-Id": crypto.randomUUID(),
    };
    if (options.token) headers["X-Bunq-Client-Authentication"] = options.token;
    if (options.sign) {
      const signed = options.sign === "tamper" ? `${body} ` : body;
      headers["X-Bunq-Client-Signature"] = sign(
        "sha256",
        Buffer.from(signed),
        createPrivateKey(this.keys.privateKey),
      ).toString("base64");
    }
    const response = await fetch(this.api + path, {
      method,
      headers,
      body: method === "GET" || method === "DELETE" ? undefined : body,
    });
    const raw = Buffer.from(await response.arrayBuffer());
    const signature = response.headers.get("x-bunq-server-signature") ?? "";
    const signatureValid =
      this.serverPublicKey === ""
        ? true
        : verify("sha256", raw, createPublicKey(this.serverPublicKey), Buffer.from(signature, "base64"));
    return {
      status: response.status,
      json: raw.length ? JSON.parse(raw.toString()) : undefined,
      body: raw,
      signatureValid,
    };
  }

  /** installation → device-server → session-server with `secret`. */
  async connect(secret: string): Promise<void> {
    const installation = await this.call("POST", "/installation", {
      body: { client_public_key: this.keys.publicKey },
    });
    const merged = Object.assign({}, ...installation.json.Response);
    this.installationToken = merged.Token.token;
    this.serverPublicKey = merged.ServerPublicKey.server_public_key;
    const device = await this.call("POST", "/device-server", {
      body: { description: "test", secret, permitted_ips: ["*"] },
      token: this.installationToken,
    });
    if (device.status !== 200) throw new Error(`device-server: ${device.status} ${device.body.toString()}`);
    const session = await this.openSession(secret);
    if (session.status !== 200)
      throw new Error(`session-server: ${session.status} ${session.body.toString()}`);
  }

  async openSession(secret: string): Promise<RawAnswer> {
    const session = await this.call("POST", "/session-server", {
      body: { secret },
      token: this.installationToken,
      sign: true,
    });
    if (session.status === 200) {
      const merged = Object.assign({}, ...session.json.Response);
      this.sessionToken = merged.Token.token;
      this.sessionUser = merged;
      const user =
        merged.UserApiKey ?? merged.UserPerson ?? merged.UserCompany ?? merged.UserPaymentServiceProvider;
      this.userId = user.id;
    }
    return session;
  }

  get(path: string) {
    return this.call("GET", path.replace("{me}", String(this.userId)), { token: this.sessionToken });
  }
}

export async function control(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(base + path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

export interface EmulatorWithUser {
  emulator: BunqEmulator;
  bunq: RawBunq;
  user: { user_id: number; api_key: string; accounts: { id: number; iban: string }[] };
}

/**
 * A file's emulator (rate limits and callback "minutes" shrunk by `timeScale`) with one sandbox
 * user made from `body` and connected over the raw client; every response is checked against
 * bunq's spec when the file ends. The fields are set in beforeAll.
 */
export function emulatorWithUser(body: Record<string, unknown>, timeScale = 0.0005): EmulatorWithUser {
  const world = {} as EmulatorWithUser;
  beforeAll(async () => {
    world.emulator = await startBunqEmulator({ timeScale });
    world.user = (await control(
      world.emulator.urls.control,
      "POST",
      "/users",
      body,
    )) as EmulatorWithUser["user"];
    world.bunq = new RawBunq(world.emulator.urls.api);
    await world.bunq.connect(world.user.api_key);
  });
  afterAll(async () => {
    expect(world.emulator.specViolations()).toEqual([]);
    await world.emulator.close();
  });
  return world;
}
