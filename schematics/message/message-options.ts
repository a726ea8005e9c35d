import { NestCliOptions } from '../utils/nest-cli-options';

/** Options of the `message` schematic (see `schema.json`). */
export interface MessageOptions extends NestCliOptions {
  /** Message class name, kebab-case or PascalCase: `price-quote` / `PriceQuote` → class and wire name `PriceQuote`. */
  readonly name: string;
  /**
   * The actor whose messages file receives the class: `price-feed` →
   * `<sourceRoot>/<path>/price-feed/price-feed.messages.ts` (`--flat`:
   * `<sourceRoot>/<path>/price-feed.messages.ts`). Without it, the folder `<sourceRoot>/<path>`
   * must hold exactly one `*.messages.ts`.
   */
  readonly actor?: string;
  /** Folder relative to `sourceRoot` holding the actor's folder (or, without `actor`, the messages file). */
  readonly path?: string;
  /** Also generate the reply class `<Name>Reply` and declare it with `@Message(name, { reply })`; default true. */
  readonly reply?: boolean;
  /** Accepted for the Nest CLI (`--skip-import`); the message schematic touches no module. */
  readonly skipImport?: boolean;
}
