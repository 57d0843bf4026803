import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Peak growth of live memory (heap and Buffers that survive a full GC) and of resident memory,
 * from now on. A GC function is taken from V8 at run time so the suite needs no node flags.
 */
export function memoryProbe(): { sample(): void; peakGrowth(): { live: number; rss: number } } {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const live = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const baseline = { live: live(), rss: process.memoryUsage().rss };
  const peak = { ...baseline };
  const timer = setInterval(() => (peak.rss = Math.max(peak.rss, process.memoryUsage().rss)), 5);
  timer.unref(); // a test that fails before reading the figures must not keep the run alive
  return {
    sample: () => {
      peak.live = Math.max(peak.live, live());
      peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
    },
    peakGrowth: () => {
      clearInterval(timer);
      return { live: peak.live - baseline.live, rss: peak.rss - baseline.rss };
    },
  };
}
