/**
 * Receives every `Broker.broadcast` after the in-process `subscribe: true` handlers were
 * served. The IPC subscription manager registers one to turn broadcasts into push
 * notifications (docs/protocol.md §6). Must not throw and must not block: it is called
 * synchronously on the broadcaster's stack.
 */
export type BroadcastListener = (event: BroadcastEvent) => void;

/** One broadcast, as seen by outbound listeners. */
export interface BroadcastEvent {
  /** Registered wire name of the message's class. */
  readonly wireName: string;
  /** The message instance as broadcast. */
  readonly message: object;
  /** Exposed name of the actor that broadcast it, when an actor did (docs/protocol.md §0 D5). */
  readonly sourceActor?: string;
}
