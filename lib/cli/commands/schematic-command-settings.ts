/** Settings of `registerGenerateCommand` / `registerNewCommand`, for tests and embedding. */
export interface SchematicCommandSettings {
  /** collection.json to run; default acton-ts's own. */
  readonly collection?: string;
  /** Folder the commands work in; default `process.cwd()` at the time the command runs. */
  readonly cwd?: string;
}
