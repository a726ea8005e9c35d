/**
 * A request's payload as it arrived on the IPC wire, not yet decoded into its message class: what
 * an `ActorRef` whose actor validates payloads elsewhere (`ActorRef.validatedElsewhere()`, a
 * cluster actor served by another node) receives as `delivery.message`. It travels on as is and
 * is validated once, where the actor runs (docs/protocol.md §3.1 step 7 happens there).
 */
export class WirePayload {
  /** @param value the envelope's `payload`, as decoded from JSON or MessagePack */
  constructor(readonly value: unknown) {}
}
