import { logging, schema } from '@angular-devkit/core';
import { MergeConflictException, UnsuccessfulWorkflowExecution } from '@angular-devkit/schematics';
import { NodeWorkflow } from '@angular-devkit/schematics/tools';
import { lastValueFrom } from 'rxjs';
import { actonCollectionPath, findSchematic } from './schematic-collection';

/** A file the schematic created, changed, deleted or renamed. */
export interface FileChange {
  readonly kind: 'CREATE' | 'UPDATE' | 'DELETE' | 'RENAME';
  /** Relative to the root; for RENAME, `from => to`. */
  readonly path: string;
  /** New size in bytes (CREATE / UPDATE). */
  readonly bytes?: number;
}

/** What `runSchematic` needs. */
export interface SchematicRun {
  /** Schematic name or alias (`actor`, `a`, `message`, `application`). */
  readonly schematic: string;
  /** The schematic's options (`name`, `path`, `flat`, ...), checked against its schema.json. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Folder the generated paths are relative to; default `process.cwd()`. */
  readonly root?: string;
  /** Report what would change without writing anything (nor installing). */
  readonly dryRun?: boolean;
  /** Path of the collection.json to use; default acton-ts's own (`schematics/collection.json`). */
  readonly collection?: string;
  /** Receives each output line (`CREATE src/a.ts (12 bytes)\n`); default stdout. */
  readonly write?: (text: string) => void;
  /** Receives warnings from the schematic; default stderr. */
  readonly writeErr?: (text: string) => void;
}

/** What a finished run did. */
export interface SchematicResult {
  readonly changes: readonly FileChange[];
  readonly dryRun: boolean;
}

/**
 * Runs one schematic against the files under `root`, the way `nest g` does: the changes are
 * checked in memory first, then written (unless `dryRun`), and one line per change is printed —
 * `CREATE path (N bytes)`, `UPDATE path (N bytes)`, `DELETE path`, `RENAME a => b` — followed, on
 * a dry run, by a line saying nothing was written. Tasks the schematic schedules (the
 * application's `npm install`) run after the files are written, and never on a dry run.
 * @throws Error for an unknown schematic (listing the available ones), options its schema
 *   refuses, the schematic's own errors (invalid names, ...), or files that already exist;
 *   nothing is written then
 */
export async function runSchematic(run: SchematicRun): Promise<SchematicResult> {
  const collection = run.collection ?? actonCollectionPath();
  const schematic = findSchematic(run.schematic, collection).name;
  const root = run.root ?? process.cwd();
  const dryRun = run.dryRun === true;
  const write = run.write ?? ((text: string) => void process.stdout.write(text));
  const workflow = new NodeWorkflow(root, { dryRun, schemaValidation: true, resolvePaths: [root, __dirname] });
  workflow.registry.addPostTransform(schema.transforms.addUndefinedDefaults);

  const changes: FileChange[] = [];
  const conflicts: string[] = [];
  workflow.reporter.subscribe((event) => {
    const path = event.path.replace(/^\//, '');
    if (event.kind === 'error')
      conflicts.push(event.description === 'alreadyExist' ? `${path} already exists` : `${path} does not exist`);
    else if (event.kind === 'create' || event.kind === 'update')
      changes.push({ kind: event.kind === 'create' ? 'CREATE' : 'UPDATE', path, bytes: event.content.byteLength });
    else if (event.kind === 'delete') changes.push({ kind: 'DELETE', path });
    else changes.push({ kind: 'RENAME', path: `${path} => ${event.to.replace(/^\//, '')}` });
  });
  // The lines are written once every change is known to apply (nothing is printed for a run
  // that fails), and before the tasks start, so the install's output follows them.
  let printed = false;
  workflow.lifeCycle.subscribe((event) => {
    if (printed || conflicts.length > 0 || (event.kind !== 'workflow-end' && event.kind !== 'post-tasks-start')) return;
    printed = true;
    for (const change of changes)
      write(`${change.kind} ${change.path}${change.bytes === undefined ? '' : ` (${change.bytes} bytes)`}\n`);
  });

  try {
    await lastValueFrom(
      workflow.execute({
        collection,
        schematic,
        options: { ...run.options },
        allowPrivate: false,
        debug: false,
        logger: warningsTo(run.writeErr),
      }),
      { defaultValue: undefined },
    );
  } catch (err) {
    throw runError(err, schematic, conflicts);
  }
  if (dryRun) write('Dry run: no files were written.\n');
  return { changes, dryRun };
}

function runError(err: unknown, schematic: string, conflicts: readonly string[]): Error {
  if (err instanceof UnsuccessfulWorkflowExecution && conflicts.length > 0) {
    return new Error(
      `The ${schematic} schematic wrote nothing: ${conflicts.join('; ')} (delete or rename the file(s), or choose another name)`,
    );
  }
  if (err instanceof MergeConflictException) {
    const path = /"\/?([^"]*)"/.exec(err.message)?.[1] ?? '?';
    return new Error(
      `The ${schematic} schematic wrote nothing: ${path} already exists (delete or rename it, or choose another name or --directory)`,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new Error(
    message.startsWith('Schematic input does not validate')
      ? `Invalid options for the ${schematic} schematic: ${message}`
      : message,
  );
}

/** A logger that prints the schematic's warnings and errors. */
function warningsTo(writeErr: ((text: string) => void) | undefined): logging.Logger {
  const logger = new logging.Logger('acton');
  const out = writeErr ?? ((text: string) => void process.stderr.write(text));
  logger.subscribe((entry) => {
    if (entry.level === 'warn' || entry.level === 'error' || entry.level === 'fatal')
      out(`${entry.level.toUpperCase()} ${entry.message}\n`);
  });
  return logger;
}
