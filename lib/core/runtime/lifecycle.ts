import { Logger } from './logger';
import { clampTimerDelay } from './in-flight-call';

/**
 * Bound, in ms, for the handlers still running on an actor instance being replaced (a restart)
 * and for its `onStop`.
 */
export const TEARDOWN_TIMEOUT_MS = 5_000;

/** Implemented by actors and providers that must do work once the app is wired (may be async). */
export interface OnStart {
  /** Called once, after every dependency of this instance has started. A throw aborts the start. */
  onStart(): void | Promise<void>;
}

/** Implemented by actors and providers that must release resources when the app closes. */
export interface OnStop {
  /** Called once during `app.close()`, before anything this instance depends on stops. */
  onStop(): void | Promise<void>;
}

interface Member {
  /** Replaced in place when the actor restarts, so the stop order stays the start order reversed. */
  instance: Partial<OnStart & OnStop>;
  /** E.g. `actor 'price_feed' (PriceFeedActor)`, for logs and errors. */
  readonly label: string;
  started: boolean;
}

/**
 * Starts and stops instances in dependency order. Instances are added in the order their
 * construction finished; with constructor injection a dependency always finishes first, so
 * that order is a valid start order and its reverse a valid stop order.
 */
export class Lifecycle {
  private readonly members: Member[] = [];
  /** Weak: instances replaced by restarts must not be kept alive by this bookkeeping. */
  private readonly known = new WeakSet<object>();

  /** Adds an instance (ignored when seen before or when it has neither hook); returns its handle. */
  add(instance: unknown, label: string): Member | undefined {
    if (instance === null || typeof instance !== 'object') return undefined;
    const hooks = instance as Partial<OnStart & OnStop>;
    // Checked before `known` grows: an instance without hooks is never a member, and a million
    // hook-less spawned actors need no entry here.
    if (typeof hooks.onStart !== 'function' && typeof hooks.onStop !== 'function') return undefined;
    if (this.known.has(instance)) return undefined;
    this.known.add(instance);
    const member: Member = { instance: hooks, label, started: false };
    this.members.push(member);
    return member;
  }

  /**
   * Calls `onStart` of every member not started yet, one after the other, in order.
   * @throws Error "onStart of <label> failed: <message>" (with `cause`) at the first failure;
   *   the members before it stay started (stop them with `stopAll`)
   */
  async startAll(): Promise<void> {
    for (const member of this.members) if (!member.started) await this.start(member);
  }

  /** Starts one member (e.g. a spawned actor); throws like `startAll`. */
  async start(member: Member | undefined): Promise<void> {
    if (!member || member.started) return;
    try {
      if (typeof member.instance.onStart === 'function') await member.instance.onStart();
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      throw new Error(`onStart of ${member.label} failed: ${text}`, { cause: err });
    }
    member.started = true;
  }

  /**
   * A restarted actor: `next` takes `previous`'s place in the start order (not started yet;
   * start it with `start`). Returns its handle (`undefined` when the class has no hooks).
   */
  replace(previous: unknown, next: object, label: string): Member | undefined {
    const member = this.members.find((candidate) => candidate.instance === previous);
    if (!member) return this.add(next, label);
    this.known.add(next);
    member.instance = next as Partial<OnStart & OnStop>;
    member.started = false;
    return member;
  }

  /** The handle of `instance`, when it has hooks. */
  memberOf(instance: unknown): Member | undefined {
    return this.members.find((member) => member.instance === instance);
  }

  /**
   * Calls `onStop` of one started instance (an actor that restarts or stops before the app),
   * bounded by `timeoutMs`; a failure or overrun is logged. Never throws.
   */
  async stopOne(instance: unknown, logger: Logger, timeoutMs: number): Promise<void> {
    const member = this.memberOf(instance);
    if (member) await this.stopMember(member, logger, timeoutMs);
  }

  /** Forgets an instance that stopped for good (after `stopOne`). */
  remove(instance: unknown): void {
    const index = this.members.findIndex((member) => member.instance === instance);
    if (index >= 0) this.members.splice(index, 1);
  }

  /**
   * Calls `onStop` of every started member in reverse order. A failing or hanging (longer than
   * `timeoutMs`) `onStop` is logged and the next one runs. Never throws.
   */
  async stopAll(logger: Logger, timeoutMs: number): Promise<void> {
    for (const member of [...this.members].reverse()) await this.stopMember(member, logger, timeoutMs);
  }

  private async stopMember(member: Member, logger: Logger, timeoutMs: number): Promise<void> {
    if (!member.started) return;
    member.started = false;
    if (typeof member.instance.onStop !== 'function') return;
    try {
      const finished = await withinTime(
        Promise.resolve().then(() => member.instance.onStop!()),
        timeoutMs,
      );
      if (!finished) logger.warn(`onStop of ${member.label} did not finish within ${timeoutMs} ms; continuing`);
    } catch (err) {
      logger.error(`onStop of ${member.label} failed: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }
}

/** Resolves `true` when `work` settles within `timeoutMs`, `false` otherwise; rejects if it rejects in time. */
export async function withinTime(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), clampTimerDelay(timeoutMs));
  });
  try {
    return await Promise.race([work.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}
