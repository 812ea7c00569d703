import { X509Certificate } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { certificateSource } from "../../src/services/provider-setup.js";

const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi";

describe("PSD2 certificate source", () => {
  it("makes a self-signed sandbox certificate whose CN names the roles, C=NL", async () => {
    const certificate = await certificateSource(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }))();
    const x509 = new X509Certificate(certificate.certificatePem);
    expect(x509.subject).toMatch(/CN=bunqbot PISP AISP/);
    expect(x509.subject).toMatch(/C=NL/);
    expect(
      x509.checkPrivateKey((await import("node:crypto")).createPrivateKey(certificate.privateKeyPem)),
    ).toBe(true);
  });

  it("reads the operator's QSEAL certificate, chain and key in production", async () => {
    const sandbox = await certificateSource(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }))();
    const dir = mkdtempSync(join(tmpdir(), "qseal-"));
    writeFileSync(join(dir, "cert.pem"), sandbox.certificatePem);
    writeFileSync(join(dir, "chain.pem"), "CHAIN");
    writeFileSync(join(dir, "key.pem"), sandbox.privateKeyPem);
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      NODE_ENV: "production",
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString("base64")}`,
      AUDIT_PSEUDONYM_KEY: Buffer.alloc(32, 1).toString("base64"),
      BUNQ_ENVIRONMENT: "production",
      BUNQ_PSD2_CERT_PATH: join(dir, "cert.pem"),
      BUNQ_PSD2_CHAIN_PATH: join(dir, "chain.pem"),
      BUNQ_PSD2_KEY_PATH: join(dir, "key.pem"),
    });
    expect(await certificateSource(config)()).toEqual({ ...sandbox, chainPem: "CHAIN" });
  });
});
