import type { Observable } from 'rxjs';
import { ErrorCode } from '../core/errors/error-code';
import { messageDefinitionOf } from '../core/metadata/message-metadata';
import { MessageClass, messageFrom, MessageInstance, MessageProps, ReplyOf } from '../core/metadata/message-typing';
import { CallOptions, StreamCallOptions } from './call-options';
import { IpcRequestError } from './ipc-request-error';

/** The untyped calls an `ActorHandle` is built on (what `ActonClient` offers). */
export interface UntypedCalls {
  request(target: string, type: string, payload: unknown, options?: CallOptions): Promise<unknown>;
  send(target: string, type: string, payload: unknown, options?: CallOptions): Promise<void>;
  stream(target: string, type: string, payload: unknown, options?: StreamCallOptions): Observable<unknown>;
}

/**
 * Typed calls to one remote actor with `@Message` classes. Two forms, both typed by the class:
 *
 *     await inventory.ask(Reserve, { sku: 'w', qty: 2 });   // fields checked by the compiler
 *     await inventory.ask(Object.assign(new Reserve(), { sku: 'w', qty: 2 }));
 *
 * The wire name is the class's `@Message(name)`, the instance's own enumerable properties are
 * the payload, and the result type is the class's declared reply (`ReplyOf`).
 */
export class ActorHandle {
  /**
   * @param calls the client the calls go through
   * @param name the actor's exposed name
   */
  constructor(
    private readonly calls: UntypedCalls,
    readonly name: string,
  ) {}

  /**
   * Request-response. Rejects with `IpcRequestError` (see `ActonClient.request`);
   * `UNKNOWN_MESSAGE_TYPE` before sending when the class is not decorated with `@Message`.
   */
  ask<M extends object>(type: MessageClass<M>, props: MessageProps<M>, options?: CallOptions): Promise<ReplyOf<M>>;
  ask<M extends MessageInstance>(message: M, options?: CallOptions): Promise<ReplyOf<M>>;
  async ask(...args: CallArgs<CallOptions>): Promise<unknown> {
    const [message, options] = messageAndOptions(args);
    return this.calls.request(this.name, wireNameOf(message), message, options);
  }

  /** Fire-and-forget; resolves once the server acknowledged delivery (see `ActonClient.send`). */
  tell<M extends object>(type: MessageClass<M>, props: MessageProps<M>, options?: CallOptions): Promise<void>;
  tell<M extends MessageInstance>(message: M, options?: CallOptions): Promise<void>;
  async tell(...args: CallArgs<CallOptions>): Promise<void> {
    const [message, options] = messageAndOptions(args);
    return this.calls.send(this.name, wireNameOf(message), message, options);
  }

  /**
   * Request-stream: one value per data frame (see `ActonClient.stream`).
   * @throws IpcRequestError `UNKNOWN_MESSAGE_TYPE` (synchronously) when the class is not decorated with `@Message`
   */
  stream<M extends object>(
    type: MessageClass<M>,
    props: MessageProps<M>,
    options?: StreamCallOptions,
  ): Observable<ReplyOf<M>>;
  stream<M extends MessageInstance>(message: M, options?: StreamCallOptions): Observable<ReplyOf<M>>;
  stream(...args: CallArgs<StreamCallOptions>): Observable<unknown> {
    const [message, options] = messageAndOptions(args);
    return this.calls.stream(this.name, wireNameOf(message), message, options);
  }
}

/** The arguments of either call form: `(Class, props, options?)` or `(message, options?)`. */
type CallArgs<O> = [MessageClass | object, (object | O)?, O?];

function messageAndOptions<O>([first, second, third]: CallArgs<O>): [object, O | undefined] {
  if (typeof first === 'function')
    return [messageFrom(first as MessageClass, (second ?? {}) as MessageProps<object>), third];
  return [first, second as O | undefined];
}

function wireNameOf(message: object): string {
  const type = (message as { constructor?: unknown }).constructor;
  const definition = typeof type === 'function' ? messageDefinitionOf(type) : undefined;
  if (!definition) {
    const name = typeof type === 'function' && type !== Object ? type.name : 'a plain object';
    throw new IpcRequestError({
      code: ErrorCode.UNKNOWN_MESSAGE_TYPE,
      message:
        `actor().ask/tell/stream needs a @Message class (or an instance of one), got ${name}: decorate the class ` +
        `with @Message('<wire name>'), or call client.request(target, type, payload) with the wire name`,
    });
  }
  return definition.name;
}
