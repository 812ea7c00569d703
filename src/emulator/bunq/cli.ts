/** `npm run emulator:bunq -- [--port 8080] [--time-scale 1] [--no-seed]`: a standalone bunq sandbox. */
import { parseArgs } from "node:util";
import { startBunqEmulator } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8080" },
    host: { type: "string", default: "127.0.0.1" },
    "time-scale": { type: "string", default: "1" },
    "no-seed": { type: "boolean", default: false },
  },
});

const emulator = await startBunqEmulator({
  port: Number(values.port),
  host: values.host,
  timeScale: Number(values["time-scale"]),
  seed: !values["no-seed"],
});
process.stdout.write(`bunq emulator
  API:             ${emulator.urls.api}
  OAuth authorize: ${emulator.urls.oauthAuthorize}
  OAuth token:     ${emulator.urls.oauthToken}
  control:         ${emulator.urls.control}
`);
for (const user of emulator.seedUsers) {
  process.stdout.write(
    `  sandbox user ${user.user_id}: API key ${user.api_key} (${user.accounts.length} accounts)\n`,
  );
}
const stop = () => void emulator.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
