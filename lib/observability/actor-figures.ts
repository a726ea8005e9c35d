import { isActorError } from '../core/errors/actor-error';
import { ActorRef } from '../core/runtime/actor-ref';
import { ActorProbe, MessageTracker } from '../core/runtime/instrumentation';
import { queuePlainMicrotask } from '../core/runtime/plain-microtask';
import { HistogramSnapshot, LatencyHistogram } from './latency-histogram';

/** Label of series beyond `maxActorLabels` (cardinality stays bounded whatever is spawned). */
export const OVERFLOW_ACTOR_LABEL = '_other';
/** Outcome label of a message whose handler finished without error. */
export const OK_OUTCOME = 'ok';

/** How actors are labelled in the figures (and so in Prometheus series and `acton top`). */
export interface ActorLabelling {
  /**
   * Label actors by their instance name (e.g. each spawned `session-42`) instead of their
   * class. Off by default: spawned or keyed actors would make one series each.
   */
  readonly keyLabels?: boolean;
  /** At most this many distinct actor labels (plus `_other`, which counts the rest). Default 1000. */
  readonly maxActorLabels?: number;
}

/** Figures of one message type handled by one actor label. */
export interface MessageTypeFigures {
  readonly messageType: string;
  /** Finished messages by outcome: `ok` or the error code (`TARGET_BUSY`, `HANDLER_ERROR`, ...). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Handler time, start to end of the reply (a stream's whole drain included), seconds. */
  readonly handlerSeconds: HistogramSnapshot;
}

/** Figures of one actor label. */
export interface ActorLabelFigures {
  readonly actor: string;
  readonly messageTypes: readonly MessageTypeFigures[];
  /** Time messages waited in the mailbox before their handler started, seconds. */
  readonly mailboxWaitSeconds: HistogramSnapshot;
  /** `ActorRestarted` events seen for actors of this label. */
  readonly restarts: number;
}

class TypeSeries {
  /** Successes: a plain field, the common case stays off the Map. */
  ok = 0;
  readonly failures = new Map<string, number>();
  readonly handlerSeconds = new LatencyHistogram();

  constructor(readonly messageType: string) {}

  count(outcome: string): void {
    if (outcome === OK_OUTCOME) this.ok++;
    else this.failures.set(outcome, (this.failures.get(outcome) ?? 0) + 1);
  }

  outcomes(): Record<string, number> {
    const outcomes: Record<string, number> = this.ok > 0 ? { [OK_OUTCOME]: this.ok } : {};
    for (const [outcome, count] of this.failures) outcomes[outcome] = count;
    return outcomes;
  }
}

class ActorSeries {
  readonly byType = new Map<string, TypeSeries>();
  readonly mailboxWaitSeconds = new LatencyHistogram();
  restarts = 0;

  constructor(readonly actor: string) {}

  type(messageType: string): TypeSeries {
    let series = this.byType.get(messageType);
    if (!series) {
      series = new TypeSeries(messageType);
      this.byType.set(messageType, series);
    }
    return series;
  }
}

/** The outcome label of an error: its `ActorError` code, else `HANDLER_ERROR` (docs/protocol.md §0 D1). */
export function outcomeOf(error: unknown): string {
  if (error === undefined) return OK_OUTCOME;
  return isActorError(error) ? error.code : 'HANDLER_ERROR';
}

/**
 * The per-actor figures of one app, recorded by its `ActorProbe` (install with
 * `app.instrumentation.add(figures)`): messages handled by type and outcome, handler time and
 * mailbox wait histograms, restarts. Read at scrape time by the Prometheus exposition and by
 * the `$acton` system actor. Memory is bounded by `maxActorLabels` × message types.
 */
export class ActorFigures implements ActorProbe {
  private readonly byLabel = new Map<string, ActorSeries>();
  private readonly keyLabels: boolean;
  private readonly maxActorLabels: number;
  /** The series of the previous message: runs of messages to one actor skip both Map lookups. */
  private last?: {
    readonly actor: ActorRef;
    readonly wireName: string;
    readonly series: ActorSeries;
    readonly type: TypeSeries;
  };

  constructor(labelling: ActorLabelling = {}) {
    this.keyLabels = labelling.keyLabels === true;
    this.maxActorLabels = labelling.maxActorLabels ?? 1000;
  }

  /** The label of an actor: its class name, or its instance name with `keyLabels`. */
  labelOf(actor: Pick<ActorRef, 'name' | 'actorClass'>): string {
    return this.keyLabels ? actor.name : actor.actorClass.name || 'anonymous';
  }

  /** ActorProbe: follows one message from its enqueue to the end of its handler. */
  track(actor: ActorRef, delivery: { readonly wireName: string }): MessageTracker {
    const last = this.last;
    if (last !== undefined && last.actor === actor && last.wireName === delivery.wireName)
      return new FiguresTracker(actor, last.series, last.type);
    const series = this.series(this.labelOf(actor));
    const type = series.type(delivery.wireName);
    this.last = { actor, wireName: delivery.wireName, series, type };
    return new FiguresTracker(actor, series, type);
  }

  /** Counts one restart of the actor named `name` (an `ActorRestarted` broadcast). */
  restarted(label: string): void {
    this.series(label).restarts++;
  }

  /** A copy of every label's figures. */
  snapshot(): ActorLabelFigures[] {
    return [...this.byLabel.values()].map((series) => ({
      actor: series.actor,
      restarts: series.restarts,
      mailboxWaitSeconds: series.mailboxWaitSeconds.snapshot(),
      messageTypes: [...series.byType.values()].map((type) => ({
        messageType: type.messageType,
        outcomes: type.outcomes(),
        handlerSeconds: type.handlerSeconds.snapshot(),
      })),
    }));
  }

  private series(label: string): ActorSeries {
    const known = this.byLabel.get(label);
    if (known) return known;
    const bounded = this.byLabel.size >= this.maxActorLabels ? OVERFLOW_ACTOR_LABEL : label;
    let series = this.byLabel.get(bounded);
    if (!series) {
      series = new ActorSeries(bounded);
      this.byLabel.set(bounded, series);
    }
    return series;
  }
}

/** `performance.now` without its per-call receiver check (a few ns of each read). */
const readClock: () => number = performance.now.bind(performance);

/**
 * The clock of the figures, read (`performance.now()`, the dearest part of a tracked message)
 * about once per message instead of three times:
 * - acceptance: at most once per synchronous run of code (the first read schedules a microtask
 *   that expires it): the latest reading of that run. Messages accepted in one run (e.g. every
 *   request decoded from one socket read) share it. A message that waits starts after that run
 *   (a mailbox starts work on a microtask), so its wait is overstated by at most the part of the
 *   run after its own enqueue; one an idle actor starts at once (`Mailbox.enqueue` `atOnce`) is
 *   accepted on that run's latest reading too, which is never later than its start;
 * - start: when the same actor's previous message finished in this turn and no handler started
 *   since (its mailbox running its queue back to back), that finish reading; only the
 *   runtime's bookkeeping between the two (e.g. sending the previous reply) moves from this
 *   message's mailbox wait to its handler time. Otherwise a fresh reading;
 * - finish: always a fresh reading (a handler's own time is never shared).
 */
class MessageClock {
  private value = 0;
  private fresh = false;
  /** The actor whose message finished at `value`, while no handler started since. */
  private finishedBy?: ActorRef;
  private readonly expire = (): void => {
    this.fresh = false;
    this.finishedBy = undefined;
  };

  accepted(): number {
    return this.fresh ? this.value : this.read();
  }

  started(actor: ActorRef): number {
    const reuse = this.finishedBy === actor;
    this.finishedBy = undefined;
    return reuse ? this.value : this.read();
  }

  finished(actor: ActorRef): number {
    const now = this.read();
    this.finishedBy = actor;
    return now;
  }

  private read(): number {
    if (!this.fresh) {
      this.fresh = true;
      queuePlainMicrotask(this.expire);
    }
    return (this.value = readClock());
  }
}

const clock = new MessageClock();

/**
 * One message: enqueue → start (mailbox wait) → finish (handler time and outcome). No `run`:
 * the handler needs no wrapping, so the runtime calls it directly.
 */
class FiguresTracker implements MessageTracker {
  private readonly acceptedAt = clock.accepted();
  private startedAt = 0;
  private done = false;

  constructor(
    private readonly ref: ActorRef,
    private readonly actor: ActorSeries,
    private readonly type: TypeSeries,
  ) {}

  started(): void {
    this.startedAt = clock.started(this.ref);
    this.actor.mailboxWaitSeconds.observe((this.startedAt - this.acceptedAt) / 1000);
  }

  finished(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.type.count(outcomeOf(error));
    // A message that never ran (refused, or dropped at stop) has no handler time (nor a clock read).
    if (this.startedAt > 0) this.type.handlerSeconds.observe((clock.finished(this.ref) - this.startedAt) / 1000);
  }
}
