/**
 * A host pacer's link to the rate board (rate-board.ts): while the host sends, every
 * `SHARE_TICK_MS` it publishes its traffic and reads its siblings', and its controller follows
 * their decreases (rate-share.ts). Quiet for `SHARE_IDLE_MS`, it takes its record off the board
 * and stops ticking until the next request. Best effort: a board that fails is reported once and
 * pacing goes on alone.
 */
import type { OwnRateRecord, RateBoard, RateRecord } from '../journal/rate-board.js';
import { fairShare, siblingTotals, type SiblingRate } from './rate-share.js';

/** How often a sending process publishes and reads the board (ms). */
export const SHARE_TICK_MS = 500;
/** A process that started no request for this long leaves the board (ms). */
export const SHARE_IDLE_MS = 5000;

/** What the host pacer tells the board, on its monotonic clock. */
export interface ShareReading extends Omit<OwnRateRecord, 'decreasedAt' | 'limitPerSec'> {
  limitPerSec: number | undefined;
  /** Monotonic ms of the controller's last decrease (-Infinity: none). */
  decreasedAt: number;
  /** Monotonic ms of the last request started or waiting. */
  lastActiveAt: number;
}

export interface ShareHost {
  reading(): ShareReading;
  /** The siblings just read (the controller seeds from and follows them). */
  adopt(siblings: readonly SiblingRate[]): void;
}

/** A sibling's record on this process's monotonic clock. */
function siblingFrom(record: RateRecord, now: number, wallNow: number): SiblingRate {
  return {
    sentRate: record.sentRate, acceptedRate: record.acceptedRate, hungry: record.hungry,
    limitPerSec: record.limitPerSec ?? undefined,
    decreasedAt: record.decreasedAt === null ? undefined : now - (wallNow - record.decreasedAt),
    firstClimb: record.firstClimb, confirmed: record.confirmed,
  };
}

export class RateSharing {
  private siblings: SiblingRate[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private board: RateBoard | undefined;
  private failed = false;

  constructor(
    private readonly openBoard: () => Promise<RateBoard>,
    private readonly host: ShareHost,
    private readonly now: () => number,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** Siblings seen at the last tick (none while idle or failed). */
  get view(): readonly SiblingRate[] {
    return this.siblings;
  }

  /** This process's part of the key-wide `keyRate`. */
  share(keyRate: number): number {
    return fairShare(keyRate, this.siblings);
  }

  /** What the siblings send and get through, added up. */
  totals(): { sentRate: number; acceptedRate: number } {
    return siblingTotals(this.siblings);
  }

  /** Called before a request: the first opens the board; after a quiet spell, ticking starts again (at once). */
  async wake(): Promise<void> {
    if (this.failed || this.timer !== undefined) return;
    this.timer = setInterval(() => { void this.tick(); }, SHARE_TICK_MS);
    this.timer.unref();
    await this.tick();
  }

  /** Publish and read once (never two at a time). */
  tick(): Promise<void> {
    this.ticking ??= this.exchange().finally(() => { this.ticking = undefined; });
    return this.ticking;
  }

  private async exchange(): Promise<void> {
    try {
      this.board ??= await this.openBoard();
      const reading = this.host.reading();
      const now = this.now();
      if (now - reading.lastActiveAt > SHARE_IDLE_MS && this.timer !== undefined) {
        this.stopTicking();
        await this.board.leave();
        return;
      }
      const wallNow = Date.now();
      const { lastActiveAt: _active, decreasedAt, limitPerSec, ...traffic } = reading;
      const records = await this.board.exchange({
        ...traffic, limitPerSec: limitPerSec ?? null, decreasedAt: Number.isFinite(decreasedAt) ? Math.round(wallNow - (now - decreasedAt)) : null,
      }, wallNow);
      this.siblings = records.map((record) => siblingFrom(record, now, wallNow));
      this.host.adopt(this.siblings);
    } catch (error) {
      this.failed = true;
      this.stopTicking();
      this.onFailure(error);
    }
  }

  private stopTicking(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.siblings = [];
  }

  /** Leave the board for good. */
  close(): void {
    this.stopTicking();
    this.board?.close();
  }
}
