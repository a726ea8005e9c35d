import { Actor, MessageContext, OnMessage } from 'acton-ts';
import { ListItem, ListRequest } from './list-service.messages';

/** How many items the service holds: `LIST_ITEM_COUNT` (default 25). */
function itemCountFromEnv(): number {
  const configured = Number(process.env.LIST_ITEM_COUNT ?? 25);
  return Number.isInteger(configured) && configured >= 0 ? configured : 25;
}

/**
 * Request-stream: a `ListRequest` is answered with one `ListItem` frame per item, then the
 * final frame. The items are read page by page, and because the handler returns an
 * AsyncIterable, the next page is fetched only as fast as the client reads (backpressure).
 */
@Actor('list_service')
export class ListServiceActor {
  private readonly items: ListItem[] = Array.from({ length: itemCountFromEnv() }, (_, i) => ({
    id: i + 1,
    name: `Item ${i + 1}`,
  }));

  @OnMessage({ ipc: true, readonly: true })
  list(msg: ListRequest, ctx: MessageContext): AsyncIterable<ListItem> {
    return this.pages(msg.page_size, ctx.signal);
  }

  private async *pages(pageSize: number, signal?: AbortSignal): AsyncGenerator<ListItem> {
    for (let offset = 0; offset < this.items.length && !signal?.aborted; offset += pageSize) {
      const page = await this.fetchPage(offset, pageSize);
      yield* page;
    }
  }

  /** Stands in for a paged database query. */
  private async fetchPage(offset: number, pageSize: number): Promise<ListItem[]> {
    return this.items.slice(offset, offset + pageSize);
  }
}
