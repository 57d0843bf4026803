/**
 * Peak growth of resident memory from now until stop(), sampled every 5 ms: what a body held in
 * memory instead of streamed would show, whatever the garbage collector does with the heap.
 */
export function rssPeak(): { stop(): number } {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  timer.unref(); // a failing test must not keep the run alive
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return peak - baseline;
    },
  };
}
