/**
 * Callbacks: each event is POSTed as a NotificationUrl object to the targets of the matching
 * URL filters (user level and account level). A failed delivery is tried again 5 times, one
 * (scaled) minute apart, as the docs say; after the 6th try it is listed as a failure.
 */
import type { EmulatorEvent, EmulatorState, NotificationFilter } from "./state.js";

const RETRIES = 5;
const RETRY_INTERVAL_MS = 60_000;

export function filtersFor(state: EmulatorState, event: EmulatorEvent): NotificationFilter[] {
  const scopes = [
    `user:${event.userId}`,
    ...(event.accountId === undefined ? [] : [`account:${event.accountId}`]),
  ];
  return scopes
    .flatMap((scope) => state.filters.get(scope) ?? [])
    .filter((f) => f.category === event.category);
}

export function createNotifier(getState: () => EmulatorState, timeScale: number) {
  const pending = new Set<Promise<void>>();

  async function deliver(state: EmulatorState, event: EmulatorEvent, target: string): Promise<void> {
    const body = JSON.stringify({
      NotificationUrl: {
        target_url: target,
        category: event.category,
        event_type: event.eventType,
        object: event.object,
      },
    });
    let lastCode: number | null = null;
    let lastError = "";
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS * timeScale));
      try {
        const response = await fetch(target, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.ok) return;
        lastCode = response.status;
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastCode = null;
        lastError = error instanceof Error ? error.message : "delivery failed";
      }
    }
    const objectId = Object.values(event.object)[0] as { id?: number } | undefined;
    state.callbackFailures.push({
      userId: event.userId,
      category: event.category,
      eventType: event.eventType,
      objectId: objectId?.id ?? 0,
      target,
      responseCode: lastCode,
      exceptionMessage: lastError,
    });
  }

  return {
    notify(event: EmulatorEvent): void {
      const state = getState();
      for (const filter of filtersFor(state, event)) {
        const delivery = deliver(state, event, filter.target).finally(() => pending.delete(delivery));
        pending.add(delivery);
      }
    },
    /** Waits for every delivery under way (tests, shutdown). */
    async settle(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
