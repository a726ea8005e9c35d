import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import { Message } from 'acton-ts';

/**
 * The wire types the tests' actors handle, for every suite (client, CLI, integration,
 * observability). The client/CLI fixtures (test/client/fixtures/test-actors.ts) and the
 * integration fixtures (test/integration/fixtures/test-actors.ts) use some wire names with
 * different fields; those get distinct class names here (`BoundedSleep` / `Sleep`,
 * `FailWith` / `Fail`, `CountTo` / `Count`); each app registers only one of them, through its
 * handlers, before it adopts the other decorated classes whose wire names are still free.
 */

/** The sum of an `AddRequest` or an `Add`. */
@Message('AddResult')
export class AddResult {
  sum!: number;
}

@Message('Add', { reply: AddResult })
export class Add {
  @IsInt() a!: number;
  @IsInt() b!: number;
}

/** Handler sleeps `ms` then replies `{ slept: ms }` (or, for fire-and-forget, just sleeps). */
@Message('Sleep')
export class Sleep {
  @IsInt() @Min(0) ms!: number;
  @IsOptional() @IsString() tag?: string;
}

/** Handler replies twice, or never, or throws, depending on the type. */
@Message('ReplyTwice')
export class ReplyTwice {}

@Message('NoReply')
export class NoReply {}

@Message('Fail')
export class Fail {
  @IsString() how!: 'error' | 'actor-error' | 'actor-error-data' | 'custom';
}

@Message('Unencodable')
export class Unencodable {
  @IsString() kind!: 'circular' | 'bigint' | 'function';
}

/** Stream of `count` items `{ n }`, `delayMs` apart. */
@Message('Count')
export class Count {
  @IsInt() @Min(0) count!: number;
  @IsOptional() @IsInt() delayMs?: number;
}

/** Stream: one item, then stalls until aborted. */
@Message('Stall')
export class Stall {}

/** Stream of explicit ctx.reply() calls. */
@Message('ReplyThrice')
export class ReplyThrice {}

/** Stream of `count` items of `size` bytes each, pulled as fast as the socket drains. */
@Message('Flood')
export class Flood {
  @IsInt() count!: number;
  @IsInt() size!: number;
}

/** Broadcast by the client fixtures' `announcer` and by the integration actors. */
@Message('PriceUpdate')
export class PriceUpdate {
  @IsString() symbol!: string;
  @IsNumber() price!: number;
}

/**
 * A trade, broadcast-only. Shared by both fixtures: an app adopts every decorated `@Message` class
 * whose wire name is free, so two broadcast-only classes under one wire name would clash. The
 * client fixtures' `announcer` sets `price`; the integration actors send the symbol only.
 */
@Message('TradeExecuted')
export class TradeExecuted {
  @IsString() symbol!: string;
  @IsOptional() @IsNumber() price?: number;
}

/** Handler broadcasts `count` PriceUpdates (from the actor: `source_actor` is set). */
@Message('Publish')
export class Publish {
  @IsString() symbol!: string;
  @IsInt() count!: number;
  @IsOptional() @IsInt() padding?: number;
}

/** Handled in-process only (no `ipc: true`). */
@Message('Internal')
export class Internal {}

/** Handler blocks until `Release` arrives (mailbox tests). */
@Message('Block')
export class Block {
  @IsInt() ms!: number;
}

/** Handler replies with how many ms are left until `ctx.deadline`. */
@Message('DeadlineProbe')
export class DeadlineProbe {}

/** Adds two integers (validated); answered with an `AddResult` (typed asks infer it). */
@Message('AddRequest', { reply: AddResult })
export class AddRequest {
  declare readonly __reply?: AddResult;
  @IsInt() a!: number;
  @IsInt() b!: number;
}

/** Replies `{ slept }` after `delay_ms`. */
@Message('Sleep')
export class BoundedSleep {
  @IsInt() @Min(0) @Max(60_000) delay_ms!: number;
}

/** A handler that returns without replying. */
@Message('Ignore')
export class Ignore {}

/** A handler that throws: `code` given → `ActorError(code, message, data)`, else a plain `Error`. */
@Message('Fail')
export class FailWith {
  @IsOptional() @IsString() code?: string;
  @IsString() message!: string;
}

/** One item of a `Count` stream. */
@Message('Tick')
export class Tick {
  value!: number;
}

/** Streams `Tick { value }` for 1..`to`, every `delay_ms`; aborts on `ctx.signal`. */
@Message('Count', { reply: Tick })
export class CountTo {
  declare readonly __reply?: Tick;
  @IsInt() @Min(0) to!: number;
  @IsInt() @Min(0) delay_ms!: number;
}

/** Fire-and-forget: remembers `value`. */
@Message('Remember')
export class Remember {
  @IsString() value!: string;
}

/** Answers every remembered value, in order. */
@Message('Recall')
export class Recall {}

/** Makes the `announcer` broadcast one `PriceUpdate` (or a `TradeExecuted` when `trade`). */
@Message('Announce')
export class Announce {
  @IsString() symbol!: string;
  @IsNumber() price!: number;
  @IsOptional() @IsBoolean() trade?: boolean;
}
