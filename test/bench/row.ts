/** What every benchmark row gets and returns. */
import type { Series } from './lib.js';

/** The big tree, already mirrored: a warm journal in `stateDir`, the remote folder listed in the emulator at `url`. */
export interface BigMirror { root: string; files: number; folders: number; url: string; folder: string; stateDir: string; firstSyncMs: number }

/** Settings and shared fixtures for the rows of one bench run. */
export interface BenchContext {
  /** Temporary root of this bench run (removed at the end unless --keep). */
  scratch: string;
  /** --quick: smaller sizes, fewer rounds (a smoke run, not a measurement). */
  quick: boolean;
  /** Interleaved rounds per comparison (≥ 5 unless --quick). */
  rounds: number;
  /** Progress line on stderr (the table goes to stdout). */
  note(message: string): void;
  /** The 100,000 × 1 KiB tree in 2,000 folders, synced once into a shared emulator (rows 1 and 6). */
  bigMirror(): Promise<BigMirror>;
}

/** A row's verdict against its target. */
export type Verdict = 'met' | 'missed' | 'skipped' | 'error';

/** One row of the results table (also the JSON report's unit). */
export interface RowResult {
  row: number;
  name: string;
  target: string;
  verdict: Verdict;
  /** One short line: the headline figure(s) as printed in the table. */
  measured: string;
  /** Every series and number the row measured, for the JSON report. */
  figures: Record<string, Series | number | string | boolean>;
  /** Why it was skipped/failed, or what explains the figure. */
  note?: string;
}

/** A row implementation. */
export type RowRunner = (ctx: BenchContext) => Promise<RowResult>;

/** Format ms as "123 ms" or "1.23 s". */
export const ms = (value: number): string => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`);

/** "median (min–max)" of a series in ms. */
export const msSeries = (s: Series): string => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
