import { ActorRef } from './actor-ref';
import { Delivery } from './delivery';

/**
 * Follows one message through an actor: created when it is accepted into the mailbox, told
 * when its handler starts, and finished exactly once: when the handler (and the stream it
 * returned, if any) ended, or when the message never ran (refused at the enqueue, or dropped
 * because the actor stopped).
 */
export interface MessageTracker {
  /** The handler is about to run (the mailbox wait ends here). */
  started(): void;
  /**
   * Runs the handler's synchronous part, e.g. inside a tracing context so that `app.ask` calls
   * it makes become child spans. Must call `work` exactly once and return what it returns.
   * Leave it out when the handler needs no wrapping: the runtime then calls the handler directly
   * (no closure per message).
   */
  run?<T>(work: () => T): T;
  /** The message is done; `error` is what the handler threw or why it never ran. */
  finished(error?: unknown): void;
}

/**
 * What an observer (metrics, tracing) plugs into the actor runtime. `track` is called on the
 * sender's stack for every message delivered to any actor of the app; it must not throw and
 * should be cheap. Return `undefined` to not follow that message.
 */
export interface ActorProbe {
  track(actor: ActorRef, delivery: Delivery): MessageTracker | undefined;
}

/** The caller's side of a call that leaves the process: its tracker and the context to send along. */
export interface OutboundCall {
  /** Finished once the call's outcome is known (reply, completion, error, delivery ack). */
  readonly tracker: MessageTracker;
  /** The W3C trace context the receiving process continues (the caller's span). */
  readonly traceContext?: TraceContext;
}

/**
 * What a tracer plugs in to follow calls an extension carries to another process (the cluster):
 * the caller's span, whose context travels with the call so the owner's span becomes its child.
 */
export interface OutboundCallProbe {
  /** A call to actor `actorName` is about to leave; `undefined` to not follow it. */
  outbound(actorName: string, delivery: Delivery): OutboundCall | undefined;
}

/**
 * The app's instrumentation port: the probes the runtime reports to. With no probe installed
 * (the default) the runtime's only cost is reading `probe` once per message.
 */
export class Instrumentation {
  private probes: ActorProbe[] = [];
  /** The combined probe, or `undefined` when none is installed (the fast path). */
  probe?: ActorProbe;
  /** Follows calls that leave the process, when a tracer is installed (`addOutbound`). */
  outboundProbe?: OutboundCallProbe;

  /** Installs the probe of calls that leave the process (one at a time); returns its removal. */
  addOutbound(probe: OutboundCallProbe): () => void {
    this.outboundProbe = probe;
    return () => {
      if (this.outboundProbe === probe) this.outboundProbe = undefined;
    };
  }

  /** Installs `probe`; returns the function that removes it again. */
  add(probe: ActorProbe): () => void {
    this.probes = [...this.probes, probe];
    this.combine();
    return () => {
      this.probes = this.probes.filter((installed) => installed !== probe);
      this.combine();
    };
  }

  private combine(): void {
    const probes = this.probes;
    if (probes.length <= 1) {
      this.probe = probes[0];
      return;
    }
    this.probe = {
      track(actor, delivery) {
        // No array per message unless two or more probes follow it.
        let first: MessageTracker | undefined;
        let all: MessageTracker[] | undefined;
        for (const probe of probes) {
          const tracker = probe.track(actor, delivery);
          if (!tracker) continue;
          if (!first) first = tracker;
          else (all ??= [first]).push(tracker);
        }
        return all ? new CombinedTracker(all) : first;
      },
    };
  }
}

/** Several trackers as one; `run` nests them in installation order (the first is outermost). */
class CombinedTracker implements MessageTracker {
  constructor(private readonly trackers: readonly MessageTracker[]) {}

  started(): void {
    for (const tracker of this.trackers) tracker.started();
  }

  run<T>(work: () => T): T {
    return this.trackers.reduceRight<() => T>(
      (inner, tracker) => (tracker.run ? () => tracker.run!(inner) : inner),
      work,
    )();
  }

  finished(error?: unknown): void {
    for (const tracker of this.trackers) tracker.finished(error);
  }
}

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) as carried by a request: the IPC
 * envelope's optional `trace_context` field (docs/protocol.md §2.2: unknown fields are ignored
 * by reference servers, so clients may always send it). The core only carries it to the
 * instrumentation; it never parses it.
 */
export interface TraceContext {
  /** `version-traceid-parentid-flags`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`. */
  readonly traceparent: string;
  /** Vendor-specific trace state, when the caller had one. */
  readonly tracestate?: string;
}
