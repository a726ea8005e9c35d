import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Actor, Broker, Message, OnMessage } from 'acton-ts';

@Message('BenchAdd')
export class BenchAdd {
  @IsInt() a!: number;
  @IsInt() b!: number;
}

@Message('BenchStream')
export class BenchStream {
  @IsInt() n!: number;
}

@Message('BenchBroadcast')
export class BenchBroadcast {
  @IsInt() n!: number;
}

@Message('BenchTick')
export class BenchTick {
  @IsInt() seq!: number;
}

/** What the cluster bench calls on the serving node (W1–W4). */
@Actor('bench_calc')
export class BenchCalcActor {
  constructor(private readonly broker: Broker) {}

  @OnMessage({ ipc: true, readonly: true })
  add(msg: BenchAdd): { sum: number } {
    return { sum: msg.a + msg.b };
  }

  @OnMessage({ ipc: true, readonly: true })
  async *stream(msg: BenchStream): AsyncIterable<{ i: number }> {
    for (let i = 0; i < msg.n; i++) yield { i };
  }

  @OnMessage({ ipc: true })
  broadcast(msg: BenchBroadcast): { sent: number } {
    for (let seq = 0; seq < msg.n; seq++) this.broker.broadcast(Object.assign(new BenchTick(), { seq }));
    return { sent: msg.n };
  }
}
