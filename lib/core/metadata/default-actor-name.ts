/**
 * The name an actor gets when `@Actor` is given no name: the class name without a trailing
 * `Actor`, in snake_case. `PriceFeedActor` → `price_feed`, `HTTPGatewayActor` → `http_gateway`,
 * `Calculator` → `calculator`, `Actor` → `actor`.
 */
export function defaultActorName(className: string): string {
  const base = className.length > 'Actor'.length && className.endsWith('Actor') ? className.slice(0, -'Actor'.length) : className;
  return base
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .toLowerCase();
}
