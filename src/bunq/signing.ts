/**
 * bunq signs bodies only: SHA256withRSA, base64, over the exact bytes sent or received. Keys
 * are RSA 2048, private keys PKCS#8 PEM and public keys SPKI PEM, as installation expects.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, sign, verify } from "node:crypto";
import { promisify } from "node:util";

const generateKeyPairAsync = promisify(generateKeyPair);

export interface KeyPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

export async function generateInstallationKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export function signBody(body: Uint8Array, privateKeyPem: string): string {
  return sign("sha256", body, createPrivateKey(privateKeyPem)).toString("base64");
}

export function verifyBody(body: Uint8Array, signatureBase64: string, publicKeyPem: string): boolean {
  try {
    return verify("sha256", body, createPublicKey(publicKeyPem), Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}
