/**
 * Faults the control API can inject into the next matching requests. Most strike before the
 * route runs, so nothing happens on the emulated bank's side. The `-after` kinds strike once the
 * route has run and succeeded: the payment is made, but the client gets a 5xx, no answer at all,
 * or a late one — the case where only a later look at the account can tell what happened.
 */
const BEFORE_KINDS = ["latency", "status", "drop", "rate-limit", "maintenance", "corrupt-signature"] as const;
const AFTER_KINDS = ["latency-after", "status-after", "drop-after"] as const;
export const FAULT_KINDS = [...BEFORE_KINDS, ...AFTER_KINDS] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  readonly kind: FaultKind;
  readonly method?: string;
  readonly path?: RegExp;
  readonly status?: number;
  readonly ms?: number;
  remaining: number;
}

const AFTER: ReadonlySet<FaultKind> = new Set(AFTER_KINDS);

export class FaultBox {
  #faults: Fault[] = [];

  add(fault: Fault): void {
    this.#faults.push(fault);
  }

  clear(): void {
    this.#faults = [];
  }

  /**
   * Takes the first fault of that phase matching this request, if any. After-faults are taken
   * only by requests whose route succeeded, so a request refused on the way in (429, 401, a bad
   * body) does not use one up without having changed anything.
   */
  take(method: string, path: string, phase: "before" | "after"): Fault | undefined {
    const fault = this.#faults.find(
      (f) =>
        f.remaining > 0 &&
        AFTER.has(f.kind) === (phase === "after") &&
        (!f.method || f.method === method) &&
        (!f.path || f.path.test(path)),
    );
    if (fault) fault.remaining--;
    return fault;
  }
}
