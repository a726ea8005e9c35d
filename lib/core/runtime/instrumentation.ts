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
   */
  run<T>(work: () => T): T;
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

/**
 * The app's instrumentation port: the probes the runtime reports to. With no probe installed
 * (the default) the runtime's only cost is reading `probe` once per message.
 */
export class Instrumentation {
  private probes: ActorProbe[] = [];
  /** The combined probe, or `undefined` when none is installed (the fast path). */
  probe?: ActorProbe;

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
        const trackers = probes.map((probe) => probe.track(actor, delivery)).filter((t) => t !== undefined);
        return trackers.length <= 1 ? trackers[0] : new CombinedTracker(trackers);
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
    return this.trackers.reduceRight<() => T>((inner, tracker) => () => tracker.run(inner), work)();
  }

  finished(error?: unknown): void {
    for (const tracker of this.trackers) tracker.finished(error);
  }
}
