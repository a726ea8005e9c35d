/**
 * Every pattern of the acton-ts sample, from TypeScript.
 *
 * Run the sample first (`npm run sample`), then, with the socket path it printed:
 *   ACTON_IPC_SOCKET=/tmp/acton/acton-sample/ipc.sock \
 *     npx ts-node -r tsconfig-paths/register --transpile-only sample/clients/demo.ts
 */
import 'reflect-metadata';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ActonClient, IpcRequestError } from 'acton-ts/client';
import { AddRequest } from '../calculator/calculator.messages';

const MAX_RETRIES = 5;

/** A request that waits and retries when the server says RATE_LIMITED. */
async function requestWithBackoff<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof IpcRequestError) || error.code !== 'RATE_LIMITED' || attempt === MAX_RETRIES) throw error;
      const waitMs = error.retryAfterMs ?? 100;
      console.log(`[rate-limit] retrying in ${waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

// #region readme-request
async function requestResponse(client: ActonClient): Promise<void> {
  // Typed: the reply type (AddResult) is inferred from @Message('AddRequest', { reply: AddResult }).
  const result = await client.actor('calculator').ask(Object.assign(new AddRequest(), { a: 5, b: 3 }));
  console.log(`[request] 5 + 3 = ${result.sum}`);
  const untyped = await requestWithBackoff(() => client.request('calculator', 'AddRequest', { a: 40, b: 2 }));
  console.log(`[request] 40 + 2 = ${(untyped as { sum: number }).sum}`);
}
// #endregion readme-request

async function fireAndForget(client: ActonClient): Promise<void> {
  await client.send('kv_store', 'SetValue', { key: 'greeting', value: 'hello' });
  const stored = (await client.request('kv_store', 'GetValue', { key: 'greeting' })) as { value: unknown };
  const missing = (await client.request('kv_store', 'GetValue', { key: 'nope' })) as { value: unknown };
  console.log(`[kv] greeting = ${JSON.stringify(stored.value)}, nope = ${JSON.stringify(missing.value)}`);
}

async function keyedCart(client: ActonClient): Promise<void> {
  // `cart` is a keyed actor: each user's cart is its own activation, created on first use.
  await client.request('cart/u-42', 'AddToCart', { sku: 'apple', qty: 2 });
  const cart = (await client.request('cart/u-42', 'AddToCart', { sku: 'pear', qty: 1 })) as {
    user: string;
    items: Record<string, number>;
  };
  const other = (await client.request('cart/u-7', 'GetCart', {})) as { items: Record<string, number> };
  console.log(`[cart] ${cart.user}: ${JSON.stringify(cart.items)}, u-7: ${JSON.stringify(other.items)}`);
}

// #region readme-stream
async function streams(client: ActonClient): Promise<void> {
  const items = await firstValueFrom(
    client.stream<{ id: number }>('list_service', 'ListRequest', { page_size: 10 }).pipe(toArray()),
  );
  console.log(
    `[stream] list_service sent ${items.length} items: ids ${items[0].id}..${items[items.length - 1].id}, then the final frame`,
  );
  const ticks = await firstValueFrom(
    client.stream<{ value: number }>('countdown', 'CountdownRequest', { from: 3, delay_ms: 100 }).pipe(toArray()),
  );
  console.log(`[countdown] ${ticks.map((tick) => tick.value).join(' ')}`);
}
// #endregion readme-stream

// #region readme-push
async function pushes(client: ActonClient, wanted = 2): Promise<void> {
  const received = await firstValueFrom(
    client.subscribe(['PriceUpdate', 'TradeExecuted']).pipe(take(wanted), toArray()),
  );
  for (const push of received) {
    const payload = push.payload as { symbol: string; price: number };
    console.log(`[push] ${push.message_type} ${payload.symbol} ${payload.price} from ${push.source_actor}`);
  }
}
// #endregion readme-push

async function errors(client: ActonClient): Promise<void> {
  for (const [product, quantity] of [
    ['unicorn', 1],
    ['gizmo', 1],
  ] as const) {
    try {
      await client.request('orders', 'PlaceOrder', { product, quantity });
    } catch (error) {
      // Branch on the code, never on the text.
      if (!(error instanceof IpcRequestError)) throw error;
      if (error.code === 'PRODUCT_NOT_FOUND') console.log(`[orders] PRODUCT_NOT_FOUND: ${error.message}`);
      else if (error.code === 'OUT_OF_STOCK') console.log(`[orders] OUT_OF_STOCK: ${error.message}`);
      else throw error;
    }
  }
  const confirmed = (await client.request('orders', 'PlaceOrder', { product: 'widget', quantity: 2 })) as {
    order_id: string;
  };
  console.log(`[orders] confirmed ${confirmed.order_id}`);
  for (const [target, payload] of [
    ['calculator', { a: 'five', b: 3 }],
    ['pricing', { a: 1, b: 2 }],
  ] as const) {
    try {
      await client.request(target, 'AddRequest', payload);
    } catch (error) {
      if (!(error instanceof IpcRequestError)) throw error;
      console.log(`[${target === 'pricing' ? 'routing' : 'validation'}] ${error.code}: ${error.message}`);
    }
  }
}

async function main(): Promise<void> {
  const socketPath = process.env.ACTON_IPC_SOCKET;
  const client = await ActonClient.connect(socketPath ? { socketPath } : { appName: 'acton-sample' });
  try {
    const discovery = await client.discover();
    console.log(
      `[discover] ${(discovery.actors ?? [])
        .map((actor) => actor.name)
        .sort()
        .join(', ')}`,
    );
    await requestResponse(client);
    await fireAndForget(client);
    await keyedCart(client);
    await streams(client);
    await pushes(client);
    await errors(client);
  } finally {
    await client.close();
  }
  console.log('[done] typescript demo finished');
}

main().catch((error: unknown) => {
  const code = error instanceof IpcRequestError ? `${error.code}: ` : '';
  console.error(`demo failed: ${code}${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
