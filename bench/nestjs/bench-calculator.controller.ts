import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';

/**
 * The one handler both Nest bench servers run (W2's `AddRequest`), identical on ActonTransport
 * and on Nest's TCP transport: the pattern is a plain Nest pattern that ActonTransport maps to
 * actor `calculator`, message type `AddRequest`.
 */
@Controller()
export class BenchCalculatorController {
  @MessagePattern({ actor: 'calculator', type: 'AddRequest' })
  add(@Payload() req: { a: number; b: number }): { sum: number } {
    return { sum: req.a + req.b };
  }
}
