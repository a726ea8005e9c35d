import { Actor, OnMessage } from 'acton-ts';
import { AddRequest, AddResult } from './calculator.messages';

/** Request-response: `AddRequest { a, b }` → `AddResult { sum }`. Stateless, so `readonly`. */
@Actor('calculator')
export class CalculatorActor {
  @OnMessage({ ipc: true, readonly: true })
  add(msg: AddRequest): AddResult {
    return { sum: msg.a + msg.b };
  }
}
