/**
 * Runs the Telegram Bot API emulator standalone:
 *   npm run emulator:telegram -- [--port 8081] [--host 127.0.0.1] [--token <id:secret>] [--username <bot>]
 *                                [--time-scale 1]
 * Prints the apiRoot to give the bot (TELEGRAM_API_ROOT) and the control URL for the user simulator.
 */
import { parseArgs } from "node:util";
import { startTelegramEmulator } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8081" },
    host: { type: "string", default: "127.0.0.1" },
    token: { type: "string" },
    username: { type: "string" },
    "time-scale": { type: "string", default: "1" },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

const timeScale = Number(values["time-scale"]);
if (!(timeScale > 0)) {
  console.error(`invalid --time-scale ${values["time-scale"]}`);
  process.exit(2);
}

const emulator = await startTelegramEmulator({
  port,
  host: values.host,
  timeScale,
  ...(values.token ? { token: values.token } : {}),
  ...(values.username ? { botUsername: values.username } : {}),
});
console.log(`Telegram Bot API emulator
  apiRoot:  ${emulator.apiRoot}      (TELEGRAM_API_ROOT)
  token:    ${values.token ? "(as given with --token)" : emulator.token}
  bot:      @${emulator.botUsername}
  control:  ${emulator.control}`);

const shutdown = () => void emulator.close().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
