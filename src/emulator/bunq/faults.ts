/** Faults the control API can inject into the next matching requests. */
export type FaultKind = "latency" | "status" | "drop" | "rate-limit" | "maintenance" | "corrupt-signature";

export interface Fault {
  readonly kind: FaultKind;
  readonly method?: string;
  readonly path?: RegExp;
  readonly status?: number;
  readonly ms?: number;
  remaining: number;
}

export class FaultBox {
  #faults: Fault[] = [];

  add(fault: Fault): void {
    this.#faults.push(fault);
  }

  clear(): void {
    this.#faults = [];
  }

  /** Takes the first fault matching this request, if any. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.#faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(path)),
    );
    if (fault) fault.remaining--;
    return fault;
  }
}
