import { SchematicsException } from '@angular-devkit/schematics';

/**
 * Options the Nest CLI passes to every schematic of a custom collection (`nest g -c acton-ts/schematics ...`).
 * They are accepted so `nest g` works; `format` is ignored (the templates are already formatted).
 */
export interface NestCliOptions {
  /** The project's source folder from nest-cli.json; default `src`. */
  readonly sourceRoot?: string;
  /** Generate the spec file; default true. */
  readonly spec?: boolean;
  /** Generate files in the target folder itself instead of a folder named after the element. */
  readonly flat?: boolean;
  /** Spec files are named `<name>.actor.<specFileSuffix>.ts`; default `spec`. */
  readonly specFileSuffix?: string;
  /** Nest's "format with Prettier" switch; accepted and ignored. */
  readonly format?: boolean;
  /** `ts` (default); anything else is refused: acton-ts needs TypeScript decorators metadata. */
  readonly language?: string;
}

/**
 * Refuses `language: js` (and anything but TypeScript): acton-ts reads handler parameter types
 * from TypeScript's emitted decorator metadata.
 * @throws SchematicsException naming the language given
 */
export function assertTypeScript(language: string | undefined): void {
  if (language === undefined || ['ts', 'typescript'].includes(language.toLowerCase())) return;
  throw new SchematicsException(
    `acton-ts schematics generate TypeScript only (got language ${JSON.stringify(language)}): set "language": "ts" in nest-cli.json`,
  );
}
