/**
 * Test support for answers too big to hold: a scripted server writes one (a JSON array of many
 * elements, with backpressure: it holds one slice at a time), and the test measures the heap's
 * peak growth while the client reads it.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Write `head`, `count` elements `element(i)` separated by commas, then `tail`, as a 200 JSON answer; `sent.bytes` counts what was written. */
export async function writeArrayAnswer(res: ServerResponse, parts: { head: string; count: number; element: (index: number) => string; tail: string }, sent: { bytes: number }): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  const write = async (text: string): Promise<void> => {
    sent.bytes += Buffer.byteLength(text);
    if (!res.write(text)) await once(res, 'drain');
  };
  await write(parts.head);
  for (let index = 0; index < parts.count; index += 100) {
    const slice = Array.from({ length: Math.min(100, parts.count - index) }, (_, offset) => parts.element(index + offset));
    await write(slice.join(',') + (index + 100 < parts.count ? ',' : ''));
  }
  res.end(parts.tail);
}

/**
 * Track the heap from now (after a full collection): sampled every 5 ms and whenever `sample()`
 * is called (from a callback of the code measured); `grewMiB()` stops and gives the peak growth.
 */
export function trackHeapPeak(): { sample: () => void; grewMiB: () => number } {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 5);
  timer.unref();
  return {
    sample,
    grewMiB: () => {
      clearInterval(timer);
      sample();
      return (peak - baseline) / 2 ** 20;
    },
  };
}
