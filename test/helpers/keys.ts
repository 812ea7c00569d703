import { randomBytes } from "node:crypto";
import { Keyring, type KeyringKey } from "../../src/db/crypto.js";

export function randomKey(id: string): KeyringKey {
  return { id, key: randomBytes(32) };
}

export function testKeyring(...ids: string[]): Keyring {
  return new Keyring((ids.length ? ids : ["k1"]).map(randomKey));
}
