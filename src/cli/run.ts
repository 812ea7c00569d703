/**
 * Shared start-up for every entry point: configuration errors print one line and exit 1
 * (no stack trace — the operator needs the variable name, not our call stack).
 */
import { ConfigError, loadConfig, loadDotEnv, type Config } from "../config.js";
import { createLogger, redactSecrets, type Logger } from "../logger.js";

/** `env`: the environment to configure from; default process.env with `.env` added. */
export async function runCommand(
  main: (config: Config, logger: Logger) => Promise<void>,
  env?: NodeJS.ProcessEnv,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env ?? (loadDotEnv(), process.env));
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `Configuration error: ${String(error)}`;
    process.stderr.write(`${redactSecrets(message)}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel, pretty: config.mode === "development" });
  try {
    await main(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, "stopped by an error");
    process.exitCode = 1;
  }
}
