/**
 * Background chores (sweeps, clean-ups): run once now, then every `intervalMs`, one run at a
 * time, and `stop()` waits for a run in progress so shutdown never cuts a write in half.
 */
export function runPeriodically(
  task: () => Promise<void>,
  intervalMs: number,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(task).catch(onError);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
