/**
 * Callbacks: each event is POSTed as a NotificationUrl object to the targets of the matching
 * URL filters (user level and account level). A failed delivery is tried again 5 times, one
 * (scaled) minute apart, as the docs say; after the 6th try it is listed as a failure.
 *
 * Tests can ask for every callback to be POSTed several times in a row (`callbackDeliveries`),
 * as bunq does when our answer to it is lost, and read every POST from `callbackLog`.
 */
import type { CallbackAttempt, EmulatorEvent, EmulatorState, NotificationFilter } from "./state.js";

const RETRIES = 5;
const RETRY_INTERVAL_MS = 60_000;
const TIMEOUT_MS = 10_000;
/** bunq documents no User-Agent for callbacks; this one says who is calling. */
export const CALLBACK_USER_AGENT = "bunq-emulator-callback/1.0";

/**
 * The scopes whose filters hear of an event: the user's, and the account's it happened on. An
 * event about the user as a whole (OAUTH) also reaches filters set on any of the user's accounts.
 */
function scopesFor(state: EmulatorState, event: EmulatorEvent): string[] {
  const accounts =
    event.accountId !== undefined ? [event.accountId] : state.accountsOf(event.userId).map((a) => a.id);
  return [`user:${event.userId}`, ...accounts.map((id) => `account:${id}`)];
}

export function filtersFor(state: EmulatorState, event: EmulatorEvent): NotificationFilter[] {
  return scopesFor(state, event)
    .flatMap((scope) => state.filters.get(scope) ?? [])
    .filter((f) => f.category === event.category)
    .filter((f) => event.grantId === undefined || f.grantId === event.grantId);
}

/** The id of the object a callback is about (the inner object of `{"Payment": {id, …}}`). */
function objectIdOf(event: EmulatorEvent): number {
  const inner = Object.values(event.object)[0] as { id?: unknown } | undefined;
  return typeof inner?.id === "number" ? inner.id : 0;
}

interface Outcome {
  readonly status: number | null;
  /** Empty when the target accepted the callback (2xx). */
  readonly error: string;
}

/** One POST: the target's HTTP status, or null and why when there was no answer. */
async function post(target: string, body: string): Promise<Outcome> {
  try {
    const response = await fetch(target, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": CALLBACK_USER_AGENT },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { status: response.status, error: response.ok ? "" : `HTTP ${response.status}` };
  } catch (error) {
    return { status: null, error: error instanceof Error ? error.message : "delivery failed" };
  }
}

export function createNotifier(getState: () => EmulatorState, timeScale: number) {
  const pending = new Set<Promise<void>>();
  const pause = () => new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS * timeScale));

  /** One delivery: the first try and up to 5 retries a (scaled) minute apart, each recorded. */
  async function withRetries(
    target: string,
    body: string,
    record: (outcome: Outcome, at: string) => void,
  ): Promise<Outcome> {
    let outcome: Outcome = { status: null, error: "not tried" };
    for (let tryNumber = 0; tryNumber <= RETRIES && outcome.error !== ""; tryNumber++) {
      if (tryNumber > 0) await pause();
      const at = new Date().toISOString();
      outcome = await post(target, body);
      record(outcome, at);
    }
    return outcome;
  }

  /** One callback to one target, `callbackDeliveries` times in a row; a target that gives up is listed. */
  async function deliver(state: EmulatorState, event: EmulatorEvent, target: string): Promise<void> {
    const body = JSON.stringify({
      NotificationUrl: {
        target_url: target,
        category: event.category,
        event_type: event.eventType,
        object: event.object,
      },
    });
    const objectId = objectIdOf(event);
    const deliveries = state.callbackDeliveries;
    let attempt = 0;
    const record = (outcome: Outcome, at: string) => {
      const logged: CallbackAttempt = {
        target,
        category: event.category,
        event_type: event.eventType,
        object_id: objectId,
        attempt: ++attempt,
        status: outcome.status,
        at,
      };
      state.callbackLog.push(logged);
    };
    for (let delivery = 0; delivery < deliveries; delivery++) {
      const outcome = await withRetries(target, body, record);
      if (outcome.error === "") continue;
      // Given up: listed once, and no repeats for a target that is not answering.
      state.callbackFailures.push({
        userId: event.userId,
        category: event.category,
        eventType: event.eventType,
        objectId,
        target,
        responseCode: outcome.status,
        exceptionMessage: outcome.error,
      });
      return;
    }
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
