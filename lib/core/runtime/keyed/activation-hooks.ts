import { ErrorCode } from '../../errors/error-code';
import { constructorTokensOf } from '../../metadata/injection-metadata';
import { ActorPlan } from '../actor-plan';
import { activationRefused } from './activation-refused';
import type { KeyActivation } from './key-activation';
import type { KeyedActorContext, KeyGate } from './keyed-actor-type';
import { OnActivate, OnPassivate } from './keyed-state-store';

type Hooks = Partial<OnActivate & OnPassivate & { onStart(): unknown; onStop(): unknown }>;

/**
 * What runs as an activation of a keyed actor type starts and ends: its instance, built with the
 * type's dependencies (resolved once, shared by all keys); the claim of its key (cluster), its saved
 * state, `onActivate`, `onStart`; then `onPassivate` (its result saved in the `KeyedStateStore`) and
 * `onStop`.
 */
export class ActivationHooks {
  private readonly name: string;
  private dependencies?: unknown[];

  constructor(
    private readonly plan: ActorPlan,
    private readonly context: KeyedActorContext,
  ) {
    this.name = plan.options.name;
  }

  /** A new instance of the actor class. @throws Error naming the actor when a dependency or the constructor fails */
  construct(): object {
    try {
      this.dependencies ??= constructorTokensOf(this.plan.type).map((token) => this.context.injector.resolve(token));
      const type = this.plan.type as new (...args: unknown[]) => object;
      // A spread call takes a slower, generic path even for no arguments; most keyed actors have none.
      return this.dependencies.length === 0 ? new type() : new type(...this.dependencies);
    } catch (err) {
      throw new Error(
        `Cannot activate keyed actor '${this.name}' (${this.plan.type.name}): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  /**
   * Claim (cluster: through `gate`) → load state → onActivate → onStart;
   * `undefined` when all of it ran synchronously.
   */
  start(activation: KeyActivation, gate: KeyGate | undefined): Promise<void> | undefined {
    const hooks = activation.instance as Hooks;
    const { key } = activation;
    const claimed = gate?.claim(this.name, key);
    const wantsState = typeof hooks.onActivate === 'function';
    if (claimed === undefined || claimed === true) {
      if (!wantsState && typeof hooks.onStart !== 'function') return undefined;
    }
    return (async () => {
      if (!((await claimed) ?? true))
        throw activationRefused(ErrorCode.TARGET_BUSY, this.name, key, 'its key is still held by another node');
      const state = wantsState ? await this.loadState(key) : undefined;
      // The claim may have lapsed while the state loaded: no hook runs for a key held elsewhere.
      if (gate && !gate.holds(this.name, key))
        throw activationRefused(ErrorCode.SHUTTING_DOWN, this.name, key, 'its node lost the key while it started');
      if (wantsState) await hooks.onActivate!(state, key);
      if (typeof hooks.onStart === 'function') await hooks.onStart();
    })();
  }

  /** `onPassivate` (its result saved in the store; a failure is logged: the state is not saved), then `onStop`. */
  async passivate(activation: KeyActivation, why: string, label: string): Promise<void> {
    const hooks = activation.instance as Hooks;
    try {
      if (typeof hooks.onPassivate === 'function') {
        await this.context.store.save(this.name, activation.key, await hooks.onPassivate());
      }
    } catch (err) {
      this.context.logger.error(
        `onPassivate of ${label} failed (${why}); its state was not saved: ${String(err)}`,
        err,
      );
    }
    await this.stop(activation, label);
  }

  /** `onStop` (a failure is logged). */
  async stop(activation: KeyActivation, label: string): Promise<void> {
    const hooks = activation.instance as Hooks;
    try {
      if (typeof hooks.onStop === 'function') await hooks.onStop();
    } catch (err) {
      this.context.logger.error(`onStop of ${label} failed: ${String(err)}`, err);
    }
  }

  /** The key's saved state. @throws ActorError `IO_ERROR` (`activationRefused`) when the store fails */
  private async loadState(key: string): Promise<unknown> {
    try {
      return await this.context.store.load(this.name, key);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      throw activationRefused(ErrorCode.IO_ERROR, this.name, key, `its saved state could not be loaded (${text})`);
    }
  }
}
