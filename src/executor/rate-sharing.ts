/**
 * A host pacer's link to the rate board (rate-board.ts): while the host sends, every
 * `SHARE_TICK_MS` (`SHARE_FAST_TICK_MS` while things move) it publishes its traffic and reads its siblings', and its controller follows
 * their decreases (rate-share.ts). Quiet for `SHARE_IDLE_MS`, it takes its record off the board
 * and stops ticking until the next request. Best effort: a board that fails is reported once and
 * pacing goes on alone.
 */
import type { OwnRateRecord, RateBoard, RateRecord } from '../journal/rate-board.js';
import { fairShare, siblingTotals, type SiblingRate } from './rate-share.js';

/** How often a sending process publishes and reads the board (ms). */
export const SHARE_TICK_MS = 500;
/** …while things move: the first seconds after joining, a sibling come or gone, slow start, a decrease (ms). */
export const SHARE_FAST_TICK_MS = 100;
/** How long things count as moving after such a change (ms). */
export const SHARE_SETTLE_MS = 2000;
/** A process that started no request for this long leaves the board (ms). */
export const SHARE_IDLE_MS = 5000;

/** What the host pacer tells the board, on its monotonic clock. */
export interface ShareReading extends Omit<OwnRateRecord, 'decreasedAt' | 'limitPerSec'> {
  limitPerSec: number | undefined;
  /** Monotonic ms of the controller's last decrease (-Infinity: none). */
  decreasedAt: number;
  /** Monotonic ms of the last request started or waiting. */
  lastActiveAt: number;
  /** The controller is in slow start or decreased within SHARE_SETTLE_MS (the board is read more often). */
  settling: boolean;
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
  /** Their traffic added up, once per tick (every answer adds it to its own). */
  private sums = { sentRate: 0, acceptedRate: 0 };
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  /** When this process (re)joined the board, and when the set of siblings last changed (monotonic ms). */
  private joinedAt = -Infinity;
  private siblingsChangedAt = -Infinity;
  private settling = true;
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

  /**
   * This process's part of the key-wide `keyRate`. Just after joining, the siblings may not have
   * seen this process yet and still send their whole part: until they have had a tick to, take
   * only what they leave (at least 5 % of the key's rate).
   */
  share(keyRate: number): number {
    const fair = fairShare(keyRate, this.siblings);
    if (this.siblings.length === 0 || this.now() - this.joinedAt >= SHARE_TICK_MS + SHARE_FAST_TICK_MS) return fair;
    return Math.min(fair, Math.max(keyRate - this.totals().sentRate, 0.05 * keyRate));
  }

  /** What the siblings send and get through, added up. */
  totals(): { sentRate: number; acceptedRate: number } {
    return this.sums;
  }

  /** Called before a request: the first opens the board; after a quiet spell, ticking starts again (at once). */
  async wake(): Promise<void> {
    if (this.failed || this.active) return;
    this.active = true;
    this.joinedAt = this.now();
    await this.tick();
    this.schedule();
  }

  /** The next tick: soon while things move, else every SHARE_TICK_MS. */
  private schedule(): void {
    if (!this.active) return;
    const now = this.now();
    const moving = this.settling || now - this.joinedAt < SHARE_SETTLE_MS || now - this.siblingsChangedAt < SHARE_SETTLE_MS;
    this.timer = setTimeout(() => { void this.tick().then(() => this.schedule()); }, moving ? SHARE_FAST_TICK_MS : SHARE_TICK_MS);
    this.timer.unref();
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
      if (now - reading.lastActiveAt > SHARE_IDLE_MS && this.active) {
        this.stopTicking();
        await this.board.leave();
        return;
      }
      const wallNow = Date.now();
      const { lastActiveAt: _active, settling, decreasedAt, limitPerSec, ...traffic } = reading;
      this.settling = settling;
      const records = await this.board.exchange({
        ...traffic, limitPerSec: limitPerSec ?? null, decreasedAt: Number.isFinite(decreasedAt) ? Math.round(wallNow - (now - decreasedAt)) : null,
      }, wallNow);
      if (records.length !== this.siblings.length) this.siblingsChangedAt = now;
      this.siblings = records.map((record) => siblingFrom(record, now, wallNow));
      this.sums = siblingTotals(this.siblings);
      this.host.adopt(this.siblings);
    } catch (error) {
      this.failed = true;
      this.stopTicking();
      this.onFailure(error);
    }
  }

  private stopTicking(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.active = false;
    this.siblings = [];
    this.sums = siblingTotals(this.siblings);
  }

  /** Leave the board for good. */
  close(): void {
    this.stopTicking();
    this.board?.close();
  }
}
