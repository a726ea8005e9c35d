import { NestCliOptions } from '../utils/nest-cli-options';

/** Options of the `actor` schematic (see `schema.json`). */
export interface ActorOptions extends NestCliOptions {
  /** Actor name, kebab-case or PascalCase, optionally after a folder: `price-feed`, `feeds/price-feed`. */
  readonly name: string;
  /** Folder relative to `sourceRoot` the actor's folder goes in; default: `sourceRoot` itself. */
  readonly path?: string;
  /** The handler returns an rxjs Observable (a request-stream) instead of one reply. */
  readonly stream?: boolean;
  /** The module file to add the actor to, relative to the project root; default: the nearest `*.module.ts`. */
  readonly module?: string;
  /** Do not add the actor to any module. */
  readonly skipImport?: boolean;
}
