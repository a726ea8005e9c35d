import { toActorError } from '../core/errors/actor-error';
import { ErrorCode } from '../core/errors/error-code';
import { ReplySink } from '../core/runtime/reply-sink';
import { BodyCodec, ErrorBody, Frame, metaLine } from './cluster-wire';
import { ClusterCounters } from './cluster-stats';
import { NatsConnectionLike } from './nats-port';
import { TurnBatcher, TurnEndTask } from './turn-batcher';

/**
 * Data frames queued in one event-loop turn beyond which they go out at once rather than at the
 * end of the turn: a producer with credit left runs on in microtasks, so without this a whole
 * credit window would travel as one message and the caller could grant more only after it all
 * arrived (the producer then idles a round trip per window).
 */
const BURST_FRAMES = 128;

type Outgoing =
  | { readonly kind: 'data'; readonly value: unknown }
  | { readonly kind: 'error'; readonly body: ErrorBody }
  | { readonly kind: 'complete' };

/**
 * Sends one served call's replies back to the caller's reply subject, in order, never more data
 * frames than the caller granted credit for: beyond that, `next()` returns a Promise that settles
 * when credit comes back, so an AsyncIterable source pauses (an Observable source, which cannot
 * pause, is queued as it would be locally). A single reply followed at once by completion travels
 * as one `c` frame carrying the value (request-response costs one message each way). Data frames
 * go out in bursts, once per event-loop turn, through the serving node's `replies` batcher: frames
 * to one calling node in one turn share a NATS message.
 */
export class RemoteReplySink implements ReplySink, TurnEndTask {
  private readonly queue: Outgoing[] = [];
  /** Created when the handler reads its signal (most never do). */
  private controller?: AbortController;
  private aborted = false;
  /** Producers waiting for credit (made at the first; requests never wait). */
  private waiters?: (() => void)[];
  private finishedHooks: (() => void)[] = [];
  /** Handed to the batcher's end of this turn (`atTurnEnd`), to pump and / or announce. */
  private waitingForTurnEnd = false;
  private pumpDue = false;
  private announceDue = false;
  private sentAny = false;
  private receivedSent = false;
  private ended = false;
  private deadlineTimer?: NodeJS.Timeout;
  /** When the signal aborts (epoch ms): its timer starts only once the signal exists. */
  private deadline?: number;
  /** The calling node's inbox (the reply subject without the call id): the batching key. */
  private readonly callerInbox: string;
  private readonly callId: string;
  /** The metadata line of this call's frames after their kind (`|node|callId\n`, built at the first one). */
  private lineTail?: string;
  /** The metadata line of this call's data frames (built at the first one). */
  private dataLine?: string;
  /** Data frames queued since the last pump. */
  private unsent = 0;

  constructor(
    private readonly link: NatsConnectionLike,
    private readonly replies: TurnBatcher<string>,
    private readonly replyTo: string,
    private readonly codec: BodyCodec,
    private readonly counters: ClusterCounters,
    private readonly selfId: string,
    private credit: number,
  ) {
    const dot = replyTo.lastIndexOf('.');
    this.callerInbox = replyTo.slice(0, dot);
    this.callId = replyTo.slice(dot + 1);
  }

  /** Aborted when the caller cancels, its node leaves, or the deadline passes. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      this.startDeadlineTimer();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  next(value: unknown): void | Promise<void> {
    if (this.ended) return;
    this.queue.push({ kind: 'data', value });
    if (++this.unsent >= BURST_FRAMES && this.credit > 0) {
      this.pump();
      this.replies.flush();
    } else this.schedule();
    if (this.queue.length <= this.credit) return;
    return new Promise<void>((resolve) => (this.waiters ??= []).push(resolve));
  }

  complete(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.push({ kind: 'complete' });
    this.pump();
  }

  error(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const failure = toActorError(err);
    const body: ErrorBody =
      failure.data === undefined
        ? { code: String(failure.code), message: failure.message }
        : { code: String(failure.code), message: failure.message, data: failure.data };
    this.queue.push({ kind: 'error', body });
    this.pump();
  }

  /** A fire-and-forget was enqueued: tell the caller (its delivery ack). */
  ack(): void {
    this.ended = true;
    this.send(Frame.ACK, undefined);
    this.finish();
  }

  /**
   * At the end of this event-loop turn, tells the caller which node runs the call if it is still
   * running and nothing was sent yet (a replicated actor's caller cannot know it otherwise).
   */
  announceAtTurnEnd(): void {
    this.announceDue = true;
    this.atTurnEnd();
  }

  /** @internal the replies batcher's end of turn: sends what the producer queued, then the announcement. */
  endOfTurn(): void {
    this.waitingForTurnEnd = false;
    if (this.pumpDue) {
      this.pumpDue = false;
      this.pump();
    }
    if (this.announceDue) {
      this.announceDue = false;
      if (!this.ended && !this.sentAny) this.send(Frame.STARTED, undefined);
    }
  }

  /**
   * Tells the caller, once, that the call's handler starts now (a `r` frame; keyed calls only).
   * Sent before anything the handler does, on the connection its effects go through: a caller that
   * never got it knows the handler never ran and may send the call again elsewhere.
   */
  received(): void {
    if (this.receivedSent || this.ended) return;
    this.receivedSent = true;
    this.send(Frame.RECEIVED, undefined);
  }

  /** The caller accepts `frames` more data frames. */
  grant(frames: number): void {
    this.credit += frames;
    this.pump();
  }

  /** The caller went away: abort the handler's signal, send nothing more. */
  cancel(): void {
    this.ended = true;
    this.queue.length = 0;
    this.abort();
    this.finish();
  }

  /** Aborts the signal at `deadline` (epoch ms) unless finished before (see `startDeadlineTimer`). */
  abortAt(deadline: number): void {
    this.deadline = deadline;
    if (this.controller) this.startDeadlineTimer();
  }

  /** Runs `hook` once everything was sent or the call was cancelled. */
  onFinished(hook: () => void): void {
    this.finishedHooks.push(hook);
  }

  /** Nobody can observe the abort before the signal exists: most calls never start this timer. */
  private startDeadlineTimer(): void {
    if (this.deadline === undefined || this.deadlineTimer || this.ended) return;
    const wait = this.deadline - Date.now();
    if (wait <= 0) return this.abort();
    this.deadlineTimer = setTimeout(() => this.abort(), wait);
    this.deadlineTimer.unref();
  }

  private abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }

  private schedule(): void {
    // After the producer's current burst (not a microtask): the NATS client flushes its buffer in
    // a microtask, so pumping per item would cost one socket write per stream item.
    this.pumpDue = true;
    this.atTurnEnd();
  }

  private atTurnEnd(): void {
    if (this.waitingForTurnEnd) return;
    this.waitingForTurnEnd = true;
    this.replies.afterTurn(this);
  }

  private pump(): void {
    this.unsent = 0;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.kind === 'data') {
        const last = this.queue[1];
        if (last?.kind === 'complete') {
          this.queue.splice(0, 2);
          this.send(Frame.COMPLETE, head.value);
          continue;
        }
        if (this.credit <= 0) break;
        this.credit--;
        this.queue.shift();
        this.send(Frame.DATA, head.value);
        continue;
      }
      this.queue.shift();
      if (head.kind === 'complete') this.send(Frame.COMPLETE, undefined);
      else this.send(Frame.ERROR, head.body);
    }
    const waiters = this.waiters;
    while (waiters && waiters.length > 0 && this.queue.length <= this.credit) waiters.shift()!();
    if (this.ended && this.queue.length === 0) this.finish();
  }

  private send(frame: string, value: unknown): void {
    if (this.link.isClosed()) return;
    this.sentAny = true;
    this.lineTail ??= metaLine(['', this.selfId, this.callId]);
    let body = this.codec.encodeAfterLine(
      frame === Frame.DATA ? (this.dataLine ??= frame + this.lineTail) : frame + this.lineTail,
      value,
    );
    const limit = this.link.info?.max_payload;
    if (limit !== undefined && body.length > limit) {
      // NATS would refuse it: the caller gets an error naming both sizes, never a silent drop.
      const failure: ErrorBody = {
        code: ErrorCode.SERIALIZATION_ERROR,
        message:
          `A reply is ${body.length} bytes, more than the NATS server's max_payload of ${limit} bytes; ` +
          `reply with less (e.g. stream it in parts) or raise max_payload in nats-server's configuration`,
      };
      body = this.codec.encodeWithMeta([Frame.ERROR, this.selfId, this.callId], failure);
      this.ended = true;
      this.queue.length = 0;
    }
    this.counters.bytesSent += body.length;
    this.replies.add(this.callerInbox, body, this.replyTo);
  }

  private finish(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    if (this.finishedHooks.length > 0) for (const hook of this.finishedHooks.splice(0)) hook();
    if (this.waiters?.length) for (const waiter of this.waiters.splice(0)) waiter();
  }
}
