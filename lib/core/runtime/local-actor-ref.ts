import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { ResolvedHandler } from '../metadata/handler-metadata';
import { ActorRef, HandlerInfo } from './actor-ref';
import { Delivery } from './delivery';
import { Dispatch, DispatchHost, StreamCanceller } from './handler-dispatch';
import { invokeHandler } from './handler-invocation';
import { BoundHandler, HandlerTable } from './handler-table';
import { Logger } from './logger';
import { Mailbox, MailboxJob } from './mailbox';

interface Job extends MailboxJob {
  readonly handler: BoundHandler;
  readonly delivery: Delivery;
}

/** How an actor instance is run. */
export interface LocalActorOptions {
  readonly name: string;
  readonly expose: boolean;
  readonly mailboxCapacity: number;
}

let nextInstance = 1;

/**
 * An in-process actor instance behind the `ActorRef` seam: its handlers, its bounded mailbox
 * and the streams it is draining. Created by the actor system; the IPC layer only uses the
 * `ActorRef` members.
 *
 * An idle actor is kept small (a million of them must fit in well under 1 GB): the handler
 * table is its class's, and the mailbox and stream bookkeeping are created on first use.
 */
export class LocalActorRef implements ActorRef, DispatchHost {
  readonly name: string;
  /** Served by the IPC listener (`@Actor({ expose })`, default true). */
  readonly expose: boolean;
  private readonly instanceNumber = nextInstance++;
  private readonly mailboxCapacity: number;
  private readonly table: HandlerTable;
  /** Created by the first delivery (or by `drain` / `stop`). */
  private box?: Mailbox<Job>;
  /** Streams being drained; created by the first one. */
  private streams?: Set<StreamCanceller>;
  private streamWaiters?: (() => void)[];

  /**
   * @param actorClass the instance's class
   * @param instance the constructed actor
   * @param handlers its resolved `@OnMessage` handlers
   */
  constructor(
    readonly actorClass: Function,
    readonly instance: object,
    handlers: readonly ResolvedHandler[],
    options: LocalActorOptions,
    private readonly logger: Logger,
  ) {
    this.name = options.name;
    this.expose = options.expose;
    this.mailboxCapacity = options.mailboxCapacity;
    this.table = HandlerTable.of(actorClass, instance, handlers);
  }

  /** Opaque, unique id of this instance, `acton-ts:<name>:<n>` (built when asked: discovery reads it). */
  get id(): string {
    return `acton-ts:${this.name}:${this.instanceNumber}`;
  }

  handlerFor(wireName: string): HandlerInfo | undefined {
    return this.table.get(wireName)?.info;
  }

  handlers(): readonly HandlerInfo[] {
    return [...this.table.infos];
  }

  /**
   * Queues the message for its handler without waiting.
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` when the actor has no handler for `wireName`,
   *   `TARGET_BUSY` when the mailbox is full, `SHUTTING_DOWN` while the app closes and
   *   `IO_ERROR` ("I/O error: Recipient channel is closed") once the actor stopped
   */
  deliver(delivery: Delivery): void {
    const handler = this.table.get(delivery.wireName);
    if (!handler) {
      throw new ActorError(
        ErrorCode.UNKNOWN_MESSAGE_TYPE,
        `${ErrorMessages.unknownMessageType(delivery.wireName)} (actor '${this.name}' has no handler for it)`,
      );
    }
    this.mailbox.enqueue({ readonly: handler.info.readonly, handler, delivery });
  }

  /** Messages waiting to start. */
  get queued(): number {
    return this.box ? this.box.queued : 0;
  }

  /** Stops accepting messages (`SHUTTING_DOWN`); queued and running ones continue. */
  drain(): void {
    this.mailbox.drain();
  }

  /** Resolves when no handler runs, nothing is queued and no stream is being drained. */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.box) await this.box.whenIdle();
      if (this.streams && this.streams.size > 0) await new Promise<void>((resolve) => (this.streamWaiters ??= []).push(resolve));
      else if (!this.box || this.box.idle) return;
    }
  }

  /**
   * Closes the mailbox (later deliveries fail with `IO_ERROR` "Recipient channel is closed"),
   * ends the streams still running and fails the messages still queued, both with `reason`.
   * Handlers already running are not interrupted.
   */
  stop(reason: unknown): void {
    if (this.streams) for (const cancel of [...this.streams]) cancel(reason);
    for (const job of this.mailbox.close()) {
      if (job.delivery.sink) job.delivery.sink.error(reason);
    }
  }

  /** @internal DispatchHost */
  reportUnhandled(err: unknown, delivery: Delivery): void {
    const method = this.table.get(delivery.wireName)?.info.method ?? '?';
    const text = err instanceof Error ? err.message : String(err);
    this.logger.error(`${this.actorClass.name}.${method}() of actor '${this.name}' failed on ${delivery.wireName} (no caller to tell): ${text}`, err);
  }

  /** @internal DispatchHost */
  addStream(cancel: StreamCanceller): void {
    (this.streams ??= new Set()).add(cancel);
  }

  /** @internal DispatchHost */
  removeStream(cancel: StreamCanceller): void {
    if (!this.streams?.delete(cancel) || this.streams.size > 0) return;
    const waiters = this.streamWaiters;
    this.streamWaiters = undefined;
    if (waiters) for (const resolve of waiters) resolve();
  }

  /**
   * The mailbox, created on first use and dropped again whenever it is open and idle: most actors
   * of a large population sit idle, and a mailbox that lives only while it has work is young
   * garbage, which costs the GC far less than a million long-lived ones.
   */
  private get mailbox(): Mailbox<Job> {
    if (this.box) return this.box;
    const box: Mailbox<Job> = new Mailbox<Job>(
      this.mailboxCapacity,
      (job) => invokeHandler(job.handler.fn, this.instance, job.delivery.message, new Dispatch(job.delivery, this)),
      (err, job) => this.reportUnhandled(err, job.delivery),
      () => {
        if (this.box === box && box.state === 'open') this.box = undefined;
      },
    );
    return (this.box = box);
  }
}
