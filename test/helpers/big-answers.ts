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
 * Track the heap from now (after a full collection). By default it is sampled every 5 ms and
 * whenever `sample()` is called (from a callback of the code measured), garbage included. With
 * `live`, only `sample()` samples, each after a full collection: what the code holds at that
 * point, whatever the collector's timing (a run under load on Node 24 once counted 65 MiB of
 * garbage not yet collected). `grewMiB()` stops and gives the peak growth.
 */
export function trackHeapPeak(options: { live?: boolean } = {}): { sample: () => void; grewMiB: () => number } {
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc') as () => void;
  collect();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sample = (): void => {
    if (options.live === true) collect();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = options.live === true ? undefined : setInterval(sample, 5);
  timer?.unref();
  return {
    sample,
    grewMiB: () => {
      clearInterval(timer);
      sample();
      return (peak - baseline) / 2 ** 20;
    },
  };
}
