import { IsInt, Max, Min } from 'class-validator';
import { Message } from 'acton-ts';

/** One item of the list service. */
@Message('ListItem')
export class ListItem {
  id!: number;
  name!: string;
}

/** Streams every item of the list service, fetched `page_size` at a time. */
@Message('ListRequest', { reply: ListItem })
export class ListRequest {
  @IsInt() @Min(1) @Max(10_000) page_size!: number;
}
