/**
 * Long polling for installs without a public URL. Updates are stored in the inbox before the
 * next getUpdates acknowledges them (Telegram forgets an update only once a higher offset is
 * asked for), so a crash between fetching and storing loses nothing. Telegram being
 * unreachable is logged and waited out; `stop()` ends the loop at once.
 */
import type { Api } from "grammy";
import type { Logger } from "../../logger.js";
import type { StoredUpdate, UpdateInbox } from "../../services/update-inbox.js";
import { ALLOWED_UPDATES } from "./allowed.js";

const LONG_POLL_SECONDS = 25;
const MAX_PAUSE_MS = 30_000;

export interface Polling {
  stop(): Promise<void>;
}

export function startPolling(api: Api, inbox: UpdateInbox, onStored: () => void, logger: Logger): Polling {
  const abort = new AbortController();
  const { signal } = abort;
  const loop = (async () => {
    let offset: number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      let updates: StoredUpdate[];
      try {
        updates = await api.getUpdates(
          { offset, timeout: LONG_POLL_SECONDS, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal with the abort-controller polyfill; Node's is the same at run time.
          signal as Parameters<Api["getUpdates"]>[1],
        );
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        logger.warn(
          { failures, err: { name: error instanceof Error ? error.name : "unknown" } },
          "Telegram unreachable; still polling",
        );
        await pause(Math.min(1_000 * 2 ** (failures - 1), MAX_PAUSE_MS), signal);
        continue;
      }
      if (failures > 0) logger.info({ failures }, "Telegram reachable again");
      failures = 0;
      if (updates.length === 0) continue;
      while (!signal.aborted) {
        try {
          await inbox.store(updates);
          break;
        } catch (error) {
          logger.warn(
            { err: { name: error instanceof Error ? error.name : "unknown" } },
            "could not store updates; trying again",
          );
          await pause(1_000, signal);
        }
      }
      if (signal.aborted) break;
      offset = updates.at(-1)!.update_id + 1;
      onStored();
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
