import type { Observable } from 'rxjs';
import { messageDefinitionOf } from '../core/metadata/message-metadata';
import { CallOptions } from './call-options';
import { ReplyOf } from './reply-of';

/** The untyped calls an `ActorHandle` is built on (what `ActonClient` offers). */
export interface UntypedCalls {
  request(target: string, type: string, payload: unknown, options?: CallOptions): Promise<unknown>;
  send(target: string, type: string, payload: unknown, options?: CallOptions): Promise<void>;
  stream(target: string, type: string, payload: unknown, options?: CallOptions): Observable<unknown>;
}

/**
 * Typed calls to one remote actor with `@Message` class instances: the wire name is read from
 * the instance's class (`@Message(name)`), the instance's own enumerable properties are the
 * payload, and the result type is the class's declared reply (`ReplyOf`).
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
   * Request-response. Rejects with `IpcRequestError` (see `ActonClient.request`).
   * @throws TypeError (as a rejection) when `message`'s class is not decorated with `@Message`
   */
  async ask<M extends object>(message: M, options?: CallOptions): Promise<ReplyOf<M>> {
    return (await this.calls.request(this.name, wireNameOf(message), message, options)) as ReplyOf<M>;
  }

  /** Fire-and-forget; resolves once the server acknowledged delivery (see `ActonClient.send`). */
  async tell(message: object, options?: CallOptions): Promise<void> {
    return this.calls.send(this.name, wireNameOf(message), message, options);
  }

  /**
   * Request-stream: one value per data frame (see `ActonClient.stream`).
   * @throws TypeError (synchronously) when `message`'s class is not decorated with `@Message`
   */
  stream<M extends object>(message: M, options?: CallOptions): Observable<ReplyOf<M>> {
    return this.calls.stream(this.name, wireNameOf(message), message, options) as Observable<ReplyOf<M>>;
  }
}

function wireNameOf(message: object): string {
  const type = (message as { constructor?: unknown }).constructor;
  const definition = typeof type === 'function' ? messageDefinitionOf(type) : undefined;
  if (!definition) {
    const name = typeof type === 'function' && type !== Object ? type.name : 'a plain object';
    throw new TypeError(
      `actor().ask/tell/stream needs an instance of a @Message class, got ${name}: decorate the class with @Message('<wire name>'), or call client.request(target, type, payload) with the wire name`,
    );
  }
  return definition.name;
}
