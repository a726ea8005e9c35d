/**
 * The exact `error` texts the protocol prescribes (docs/protocol.md §4). Kept in one place so the
 * in-process API and the IPC layer answer with the same words; reference clients match some of
 * them by substring (e.g. `RemoteActorRef` looks for "Response channel closed without
 * receiving a response", §3.3), so they must not be reworded.
 */
export const ErrorMessages = {
  /** `IO_ERROR`: the handler finished without replying (§3.3). */
  NO_REPLY: 'I/O error: Response channel closed without receiving a response',
  /** `IO_ERROR`: the actor's mailbox is closed (§3.1 step 8). */
  RECIPIENT_CLOSED: 'I/O error: Recipient channel is closed',
  /** `TARGET_BUSY` for requests (§4). */
  INBOX_FULL: 'Target actor inbox is full',
  /** `TARGET_BUSY` for stream requests (§3.4). */
  STREAM_INBOX_FULL: 'Actor inbox is full',
  /** `SHUTTING_DOWN` (§4). */
  SHUTTING_DOWN: 'Server is shutting down',
  /** `TIMEOUT` for a request-response, `ms` = the caller's timeout in milliseconds (§3.3). */
  requestTimedOut: (ms: number): string => `Request timed out after ${ms} ms waiting for response`,
  /** `TIMEOUT` for a whole stream (§3.4). */
  streamTimedOut: (ms: number): string => `Stream timed out after ${ms} ms`,
  /** `ACTOR_NOT_FOUND` (§4). */
  actorNotFound: (target: string): string => `Actor not found: ${target}`,
  /**
   * `ACTOR_NOT_FOUND` for the bare name of a keyed actor (`cart`), which only its keys
   * (`cart/<key>`) take messages under: §4's text, then what to address instead.
   */
  keyedActorWithoutKey: (actor: string): string =>
    `Actor not found: ${actor} (a keyed actor: address one key as '${actor}/<key>')`,
  /** `UNKNOWN_MESSAGE_TYPE` (§4). */
  unknownMessageType: (name: string): string => `Unknown message type: ${name}`,
  /** `SERIALIZATION_ERROR`: the payload does not decode into its message type (§3.1 step 7). */
  serializationFailed: (detail: string): string => `Serialization error: ${detail}`,
} as const;
