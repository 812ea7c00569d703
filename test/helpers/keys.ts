import { randomBytes } from "node:crypto";
import { Keyring, type KeyringKey } from "../../src/db/crypto.js";
import { AuditTrail } from "../../src/services/audit.js";

export function randomKey(id: string): KeyringKey {
  return { id, key: randomBytes(32) };
}

export function testKeyring(...ids: string[]): Keyring {
  return new Keyring((ids.length ? ids : ["k1"]).map(randomKey));
}

export function testAuditTrail(): AuditTrail {
  return new AuditTrail(randomBytes(32));
}
