import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import type { ChildSpawnOptions, SpawnOptions } from './acton-app';
import type { ActorRef } from './actor-ref';
import type { ActorSystem } from './actor-system';
import { Broker } from './broker';
import { Clock } from './clock';
import { Lifecycle, TEARDOWN_TIMEOUT_MS, withinTime } from './lifecycle';
import { ActorSupervisor, LocalActorRef } from './local-actor-ref';
import { Logger } from './logger';
import type { Type } from './provider';
import { BackoffTimers, RestartHistory } from './restart-backoff';
import { ActorRestarted, ActorStopped, publishSupervisionEvent, RestartLimitExceeded } from './supervision-events';

/** What to do when a failure escalates past a top-level actor: log it (default) or also close the app. */
export type RootEscalation = 'log' | 'close';

/** @internal what the supervisor needs from the app */
export interface SupervisorContext {
  readonly lifecycle: Lifecycle;
  readonly broker: Broker;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly rootEscalation: RootEscalation;
  /** Starts a child (the app's `spawn` with `{ parent }`). */
  spawn(type: Type, name: string, options: SpawnOptions): Promise<ActorRef>;
  /** An actor stopped for good: forget it and stop serving it. */
  forget(ref: LocalActorRef): void;
  /** Closes the app (root escalation with `rootEscalation: 'close'`). */
  close(): void;
}

/**
 * The app's supervisor (DESIGN of acton-reactive / OTP): decides what a failure does to an
 * actor and carries it out.
 *
 * What ends an actor (acton-reactive's `TerminationReason`, OTP's exit reasons): a **failure**
 * (abnormal: a handler, stream or restart's `onStart` failed) or a **normal stop** (`ctx.stop()`).
 * Its restart policy decides (acton-reactive's `RestartPolicy::should_restart`):
 *
 * - No `supervision` option: a failure resumes (it was reported to its caller; nothing else); a
 *   normal stop stops it.
 * - `temporary`: never restarted: it stops (its children first) after a failure or a normal stop.
 * - `transient`: restarted after a failure only; a normal stop stops it for good.
 * - `permanent`: always restarted, after a failure and after a normal stop.
 * - A parent stopping (or restarting) stops its children whatever their policy: they are not
 *   restarted on their own (acton-reactive's `ParentShutdown`), nor are actors during `app.close()`.
 *
 * A restart: the actor, and the siblings its parent's `strategy` names, restart:
 *   their mailboxes are suspended at once (queued messages wait, in order), children stopped,
 *   timers cancelled, streams ended, running handlers awaited, `onStop` called; after the backoff
 *   a fresh instance is built from the injector, `onStart` runs, and the mailbox resumes.
 *   A failing constructor or `onStart` is another failure.
 * - More than `maxRestarts` within `withinMs`: `RestartLimitExceeded`, the actor stops, and the
 *   failure escalates to its parent (a failure of the parent); past a top-level actor it is logged
 *   and, with `rootEscalation: 'close'`, the app closes.
 * Each step is broadcast on the app's broker: `ActorRestarted`, `ActorStopped`, `RestartLimitExceeded`.
 */
export class Supervisor implements ActorSupervisor {
  private readonly histories = new Map<LocalActorRef, RestartHistory>();
  private readonly restarting = new Set<LocalActorRef>();
  private readonly backoffs: BackoffTimers;
  private closing = false;
  private system?: ActorSystem;

  constructor(private readonly context: SupervisorContext) {
    this.backoffs = new BackoffTimers(context.clock);
  }

  /** @internal the system is built after the supervisor (it hands the supervisor to every actor) */
  attach(system: ActorSystem): void {
    this.system = system;
  }

  failed(ref: LocalActorRef, err: unknown): void {
    const policy = ref.supervision;
    if (!policy || !this.decides(ref)) return;
    if (policy.restart === 'temporary') {
      void this.stopTree(ref, `failed: ${describe(err)}`);
      return;
    }
    this.restart(ref, err);
  }

  /**
   * `ctx.stop(reason)`: the actor ends normally. Only a `permanent` one is restarted (as after a
   * failure: counted against its limit, with its backoff); any other stops for good, its
   * children first, queued messages failing with `IO_ERROR` "Recipient channel is closed".
   */
  stoppedNormally(ref: LocalActorRef, reason?: string): void {
    if (!this.decides(ref)) return;
    const normal = reason === undefined ? 'normal' : `normal: ${reason}`;
    if (ref.supervision?.restart === 'permanent') this.restart(ref, normal);
    else void this.stopTree(ref, `stopped itself (${normal})`, 'info');
  }

  /** Whether `ref`'s end is still ours to act on (not closing, not stopped, not already restarting). */
  private decides(ref: LocalActorRef): boolean {
    return !this.closing && !ref.isStopped && !this.restarting.has(ref);
  }

  /** Restarts `ref` (and its group) after `cause`, or stops and escalates it past its limit. */
  private restart(ref: LocalActorRef, err: unknown): void {
    const decision = this.historyOf(ref).onFailure(this.context.clock.now());
    if (!decision.restart) {
      void this.limitExceeded(ref, err);
      return;
    }
    const group = this.groupOf(ref);
    for (const member of group) {
      member.suspend();
      this.restarting.add(member);
    }
    void this.restartGroup(ref, group, decision.attempt, decision.delayMs, err);
  }

  spawnChild(parent: LocalActorRef, type: Type, name: string, options: ChildSpawnOptions = {}): Promise<ActorRef> {
    return this.context.spawn(type, name, { ...options, parent });
  }

  /**
   * The app is closing: no more restarts; actors waiting for their backoff stop at once, their
   * queued messages ended with `reason`.
   */
  abortRestarts(reason: unknown): void {
    this.closing = true;
    this.backoffs.wakeAll();
    for (const ref of this.restarting) ref.stop(reason);
  }

  /**
   * Stops `ref` for good: its children first (reverse start order), then its timers, mailbox
   * (queued messages fail with `IO_ERROR` "Recipient channel is closed") and streams, then its
   * `onStop`; it is forgotten (the name is free again) and `ActorStopped` is broadcast.
   * @param level how to log it: `info` when it follows from its parent stopping or restarting
   */
  async stopTree(ref: LocalActorRef, reason: string, level: 'info' | 'warn' = 'warn'): Promise<void> {
    if (ref.isStopped) return;
    this.restarting.delete(ref);
    ref.stop(new ActorError(ErrorCode.IO_ERROR, ErrorMessages.RECIPIENT_CLOSED));
    for (const child of [...ref.childRefs].reverse())
      await this.stopTree(child, `parent '${ref.name}' stopped`, 'info');
    ref.timers.cancelAll();
    await this.retire(ref);
    this.context.lifecycle.remove(ref.instance);
    this.histories.delete(ref);
    this.context.forget(ref);
    this.context.logger[level](`Actor '${ref.name}' (${ref.actorClass.name}) stopped: ${reason}`);
    this.publish(Object.assign(new ActorStopped(), { name: ref.name, reason }));
  }

  private async restartGroup(
    failing: LocalActorRef,
    group: LocalActorRef[],
    attempt: number,
    delayMs: number,
    err: unknown,
  ): Promise<void> {
    const cause = describe(err);
    const restarted = new ActorError(ErrorCode.IO_ERROR, `Actor '${failing.name}' restarted (${cause})`);
    for (const member of [...group].reverse()) {
      for (const child of [...member.childRefs].reverse())
        await this.stopTree(child, `parent '${member.name}' restarted`, 'info');
      member.timers.cancelAll();
      member.cancelStreams(restarted);
      await this.retire(member);
    }
    await this.backoff(delayMs);
    for (const member of group) {
      if (this.closing) return;
      if (member.isStopped) {
        // stopped meanwhile (its parent stopped or restarted): nothing to restart
        this.restarting.delete(member);
        continue;
      }
      const memberCause = member === failing ? cause : `sibling '${failing.name}' failed: ${cause}`;
      if (member !== failing && member.supervision?.restart === 'temporary') {
        this.restarting.delete(member);
        await this.stopTree(member, memberCause);
        continue;
      }
      await this.reincarnate(member, attempt, memberCause);
    }
  }

  /** Builds and starts a fresh instance of `ref`; a failure there is another failure of `ref`. */
  private async reincarnate(ref: LocalActorRef, attempt: number, cause: string): Promise<void> {
    const { lifecycle } = this.context;
    const previous = ref.instance;
    try {
      const next = this.system!.rebuild(ref);
      await lifecycle.start(lifecycle.replace(previous, next, `actor '${ref.name}' (${ref.actorClass.name})`));
    } catch (err) {
      this.restarting.delete(ref);
      if (!this.closing) this.failed(ref, err);
      return;
    }
    this.restarting.delete(ref);
    if (this.closing) return;
    ref.resume();
    this.context.logger.info(`Actor '${ref.name}' restarted (attempt ${attempt}): ${cause}`);
    this.publish(Object.assign(new ActorRestarted(), { name: ref.name, attempt, cause }));
  }

  private async limitExceeded(ref: LocalActorRef, err: unknown): Promise<void> {
    const policy = ref.supervision!;
    const limit = `${policy.maxRestarts} times within ${policy.withinMs} ms`;
    const text = `Actor '${ref.name}' failed more than ${limit} (last: ${describe(err)})`;
    this.context.logger.error(`${text}; stopping it`, err);
    this.publish(Object.assign(new RestartLimitExceeded(), { name: ref.name }));
    const parent = ref.parentRef;
    await this.stopTree(ref, 'restart limit exceeded');
    if (parent) {
      if (!parent.supervision)
        this.context.logger.warn(
          `Actor '${parent.name}' resumes (no supervision option) after its child '${ref.name}' stopped`,
        );
      this.failed(parent, new Error(text, { cause: err }));
      return;
    }
    if (this.context.rootEscalation === 'close' && !this.closing) {
      this.context.logger.error(
        `Closing the app: a top-level actor exceeded its restart limit (rootEscalation: 'close')`,
      );
      this.context.close();
    }
  }

  /** The failing actor and the siblings its parent's strategy restarts with it, in start order. */
  private groupOf(ref: LocalActorRef): LocalActorRef[] {
    const parent = ref.parentRef;
    const strategy = parent?.supervision?.strategy ?? 'one-for-one';
    if (!parent || strategy === 'one-for-one') return [ref];
    const siblings = parent.childRefs.filter(
      (sibling) => sibling === ref || (!sibling.isStopped && !this.restarting.has(sibling)),
    );
    return strategy === 'one-for-all' ? siblings : siblings.slice(siblings.indexOf(ref));
  }

  /** Waits for the handlers still running on the old instance, then calls its `onStop`. */
  private async retire(ref: LocalActorRef): Promise<void> {
    const { lifecycle, logger } = this.context;
    if (!(await withinTime(ref.whenQuiet(), TEARDOWN_TIMEOUT_MS))) {
      logger.warn(
        `Actor '${ref.name}': handlers still running after ${TEARDOWN_TIMEOUT_MS} ms; replacing the instance anyway`,
      );
    }
    await lifecycle.stopOne(ref.instance, logger, TEARDOWN_TIMEOUT_MS);
  }

  private backoff(delayMs: number): Promise<void> {
    return this.closing ? Promise.resolve() : this.backoffs.wait(delayMs);
  }

  private historyOf(ref: LocalActorRef): RestartHistory {
    let history = this.histories.get(ref);
    if (!history) this.histories.set(ref, (history = new RestartHistory(ref.supervision!)));
    return history;
  }

  private publish(event: object): void {
    publishSupervisionEvent(this.context.broker, this.context.logger, event);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
