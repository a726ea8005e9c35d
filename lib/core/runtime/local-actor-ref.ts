import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { ResolvedHandler } from '../metadata/handler-metadata';
import { ActorRef, HandlerInfo } from './actor-ref';
import { Delivery } from './delivery';
import { Dispatch, DispatchHost, StreamCanceller } from './handler-dispatch';
import { invokeHandler } from './handler-invocation';
import { Logger } from './logger';
import { Mailbox, MailboxJob } from './mailbox';

interface BoundHandler {
  readonly info: HandlerInfo;
  readonly fn: Function;
}

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
 */
export class LocalActorRef implements ActorRef, DispatchHost {
  readonly name: string;
  readonly id: string;
  /** Served by the IPC listener (`@Actor({ expose })`, default true). */
  readonly expose: boolean;
  private readonly mailbox: Mailbox<Job>;
  private readonly byWireName = new Map<string, BoundHandler>();
  private readonly streams = new Set<StreamCanceller>();
  private streamWaiters: (() => void)[] = [];

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
    this.id = `acton-ts:${options.name}:${nextInstance++}`;
    this.mailbox = new Mailbox<Job>(options.mailboxCapacity, this.run, (err, job) => this.reportUnhandled(err, job.delivery));
    for (const { info } of handlers) {
      const fn = (instance as Record<string, unknown>)[info.method];
      if (typeof fn !== 'function') throw new Error(`${actorClass.name}.${info.method} is declared as a handler but is not a method`);
      this.byWireName.set(info.wireName, { info, fn });
    }
  }

  handlerFor(wireName: string): HandlerInfo | undefined {
    return this.byWireName.get(wireName)?.info;
  }

  handlers(): readonly HandlerInfo[] {
    return [...this.byWireName.values()].map((handler) => handler.info);
  }

  /**
   * Queues the message for its handler without waiting.
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` when the actor has no handler for `wireName`,
   *   `TARGET_BUSY` when the mailbox is full, `SHUTTING_DOWN` while the app closes and
   *   `IO_ERROR` ("I/O error: Recipient channel is closed") once the actor stopped
   */
  deliver(delivery: Delivery): void {
    const handler = this.byWireName.get(delivery.wireName);
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
    return this.mailbox.queued;
  }

  /** Stops accepting messages (`SHUTTING_DOWN`); queued and running ones continue. */
  drain(): void {
    this.mailbox.drain();
  }

  /** Resolves when no handler runs, nothing is queued and no stream is being drained. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.mailbox.whenIdle();
      if (this.streams.size > 0) await new Promise<void>((resolve) => this.streamWaiters.push(resolve));
      else if (this.mailbox.idle) return;
    }
  }

  /**
   * Closes the mailbox (later deliveries fail with `IO_ERROR` "Recipient channel is closed"),
   * ends the streams still running and fails the messages still queued, both with `reason`.
   * Handlers already running are not interrupted.
   */
  stop(reason: unknown): void {
    for (const cancel of [...this.streams]) cancel(reason);
    for (const job of this.mailbox.close()) {
      if (job.delivery.sink) job.delivery.sink.error(reason);
    }
  }

  /** @internal DispatchHost */
  reportUnhandled(err: unknown, delivery: Delivery): void {
    const method = this.byWireName.get(delivery.wireName)?.info.method ?? '?';
    const text = err instanceof Error ? err.message : String(err);
    this.logger.error(`${this.actorClass.name}.${method}() of actor '${this.name}' failed on ${delivery.wireName} (no caller to tell): ${text}`, err);
  }

  /** @internal DispatchHost */
  addStream(cancel: StreamCanceller): void {
    this.streams.add(cancel);
  }

  /** @internal DispatchHost */
  removeStream(cancel: StreamCanceller): void {
    if (!this.streams.delete(cancel) || this.streams.size > 0) return;
    const waiters = this.streamWaiters;
    this.streamWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private readonly run = (job: Job): PromiseLike<void> | void => {
    // A revoked IPC connection's messages that have not started are skipped (docs/protocol.md §11.2).
    if (job.delivery.withdrawn?.aborted) return;
    return invokeHandler(job.handler.fn, this.instance, job.delivery.message, new Dispatch(job.delivery, this));
  };
}
