/**
 * Throughput over the last hour for the status page's chart: the daemon samples each mirror's
 * cumulative counters on every status tick; the series is the rate between samples. Bounded by
 * time (one hour) and count, so memory stays flat however long the daemon runs.
 */

/** How far back the chart looks. */
export const THROUGHPUT_WINDOW_MS = 3_600_000;
/** Samples kept at most (a tick of 100 ms over an hour would otherwise keep 36,000). */
const MAX_SAMPLES = 1_800;

interface Sample { at: number; files: number; bytes: number }

/** Rates between consecutive samples: at (ms since epoch, end of the interval), files/min and bytes/s. */
export interface ThroughputSeries {
  at: number[];
  filesPerMinute: number[];
  bytesPerSecond: number[];
}

export class Throughput {
  private readonly samples: Sample[] = [];

  /** Record the cumulative counters at `at` (files uploaded or deleted, bytes uploaded). */
  sample(at: number, files: number, bytes: number): void {
    const last = this.samples[this.samples.length - 1];
    // Too close to the previous sample to make a rate of: replace it.
    if (last !== undefined && at - last.at < 1000 && this.samples.length > 1) this.samples.pop();
    this.samples.push({ at, files, bytes });
    while (this.samples.length > MAX_SAMPLES || (this.samples.length > 0 && this.samples[0]!.at < at - THROUGHPUT_WINDOW_MS)) this.samples.shift();
  }

  /** The series over the window. */
  series(): ThroughputSeries {
    const series: ThroughputSeries = { at: [], filesPerMinute: [], bytesPerSecond: [] };
    for (let index = 1; index < this.samples.length; index += 1) {
      const previous = this.samples[index - 1]!;
      const current = this.samples[index]!;
      const seconds = (current.at - previous.at) / 1000;
      if (seconds <= 0) continue;
      series.at.push(current.at);
      series.filesPerMinute.push(Math.max(0, ((current.files - previous.files) / seconds) * 60));
      series.bytesPerSecond.push(Math.max(0, (current.bytes - previous.bytes) / seconds));
    }
    return series;
  }
}
