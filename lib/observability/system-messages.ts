import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Message } from '../core/decorators/message.decorator';

/**
 * Asks the `$acton` system actor for a snapshot of the app (`AppStats`: listener counters,
 * per-actor figures, cluster figures). Payload `{}`. Used by `acton stats` and `acton top`.
 */
@Message('StatsRequest')
export class StatsRequest {}

/** Asks `$acton` for the app's actors (`ActorList`), at most `limit` of them (default 1000). */
@Message('ActorsRequest')
export class ActorsRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  limit?: number;
}

/** Asks `$acton` whether the app is ready (`Readiness`); used by `acton ping --ready`. */
@Message('ReadyRequest')
export class ReadyRequest {}

/** One actor as listed by `ActorsRequest`. */
export interface ActorListEntry {
  readonly name: string;
  readonly class: string;
  /** Served to IPC clients. */
  readonly exposed: boolean;
  /** Messages waiting in its mailbox now. */
  readonly mailboxDepth: number;
  /** Wire names it handles. */
  readonly messageTypes: readonly string[];
}

/** The reply to `ActorsRequest`. */
export interface ActorList {
  /** All actors of the app (the list may be shorter: see `limit`). */
  readonly total: number;
  readonly actors: readonly ActorListEntry[];
}
