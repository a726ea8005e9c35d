import { Actor, OnMessage } from 'acton-ts';
import { AddRequest, AddResult } from './calculator.messages';

/** Request-response: `AddRequest { a, b }` → `AddResult { sum }`. Stateless, so `readonly`. */
@Actor({ name: 'calculator', cluster: 'replicated' }) // stateless: every cluster node serves it
export class CalculatorActor {
  @OnMessage({ ipc: true, readonly: true })
  add(msg: AddRequest): AddResult {
    return { sum: msg.a + msg.b };
  }
}
