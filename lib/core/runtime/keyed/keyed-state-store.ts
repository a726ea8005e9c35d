/**
 * Where keyed actors keep their state across passivation (and, with a shared store, across
 * nodes). Provide one under this class as the token (`{ provide: KeyedStateStore, useValue: … }`);
 * without one, an app keeps the state of actors that implement `onPassivate` in an
 * `InMemoryKeyedStateStore` (lost when the process ends).
 */
export abstract class KeyedStateStore {
  /** The state saved for `actor`/`key`, or `undefined` when none was. */
  abstract load(actor: string, key: string): Promise<unknown>;
  /** Saves `state` for `actor`/`key` (`undefined` deletes it). */
  abstract save(actor: string, key: string, state: unknown): Promise<void>;
}

/** A `KeyedStateStore` in this process's memory: for tests and single-process apps. */
export class InMemoryKeyedStateStore extends KeyedStateStore {
  private readonly states = new Map<string, unknown>();

  load(actor: string, key: string): Promise<unknown> {
    return Promise.resolve(this.states.get(`${actor}/${key}`));
  }

  save(actor: string, key: string, state: unknown): Promise<void> {
    if (state === undefined) this.states.delete(`${actor}/${key}`);
    else this.states.set(`${actor}/${key}`, state);
    return Promise.resolve();
  }

  /** Keys with a saved state. */
  get size(): number {
    return this.states.size;
  }
}

/**
 * Implemented by keyed actors that restore state when activated: `state` is what the last
 * `onPassivate` of the same key returned (from the app's `KeyedStateStore`), `undefined` the
 * first time. Runs after the constructor and before `onStart` and the first message.
 */
export interface OnActivate<S = unknown> {
  onActivate(state: S | undefined, key: string): void | Promise<void>;
}

/** Implemented by keyed actors that keep state across passivation: returns what to save. */
export interface OnPassivate<S = unknown> {
  onPassivate(): S | undefined | Promise<S | undefined>;
}
