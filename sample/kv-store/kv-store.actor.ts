import { Actor, OnMessage } from 'acton-ts';
import { GetValue, SetValue, ValueResponse } from './kv-store.messages';

/**
 * A stateful actor. Writes are mutating (one at a time, in arrival order), reads are
 * `readonly` (they may overlap each other, never a write), so a `GetValue` sent after a
 * `SetValue` on the same connection always sees it.
 */
@Actor('kv_store')
export class KvStoreActor {
  private readonly values = new Map<string, unknown>();

  @OnMessage({ ipc: true })
  set(msg: SetValue): void {
    this.values.set(msg.key, msg.value);
  }

  @OnMessage({ ipc: true, readonly: true })
  get(msg: GetValue): ValueResponse {
    return { value: this.values.has(msg.key) ? this.values.get(msg.key) : null };
  }
}
