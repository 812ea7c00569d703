import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";

export interface ServerKeys {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
}

export function generateServerKeys(): ServerKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKey: createPrivateKey(privateKey), publicKeyPem: publicKey };
}

export function signResponse(body: Buffer, keys: ServerKeys): string {
  return sign("sha256", body, keys.privateKey).toString("base64");
}

export function verifyClientSignature(body: Buffer, signature: string, publicKeyPem: string): boolean {
  try {
    return verify("sha256", body, createPublicKey(publicKeyPem), Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
