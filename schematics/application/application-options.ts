/** Options of the `application` schematic (see `schema.json`). */
export interface ApplicationOptions {
  /** Project name: the package name and the IPC app name (`demo`, `price-service`); PascalCase is dasherized. */
  readonly name: string;
  /** Folder to create the project in, relative to the current one; default: the name. */
  readonly directory?: string;
  /**
   * Depend on acton-ts at this path (`"acton-ts": "file:<actonPath>"`) instead of the registry
   * version; absolute, or relative to the new project's folder (npm's rule for `file:`).
   */
  readonly actonPath?: string;
  /** Do not run `npm install` after writing the files. */
  readonly skipInstall?: boolean;
  /** Package manager for the install: npm (default), yarn, pnpm or bun. */
  readonly packageManager?: string;
  /** Accepted for the Nest CLI; only ts is supported. */
  readonly language?: string;
}
