import * as ts from 'typescript';
import { SchematicsException } from '@angular-devkit/schematics';
import { appendToList } from './list-insertion';
import { importEdit } from './named-import';
import { applyTextEdits, TextEdit } from './text-edit';

/** The class to list in a module and where it is imported from. */
export interface ModuleEntry {
  /** Class name, e.g. `PriceFeedActor`. */
  readonly className: string;
  /** Module specifier relative to the module file, e.g. `./price-feed/price-feed.actor`. */
  readonly importPath: string;
}

/**
 * Adds `entry` to the `actors` array of the first `@Module({...})` class in a TypeScript
 * source, and its import, by editing the syntax tree's positions (the rest of the text is kept
 * as written). Creates `actors: [...]` when the module has none, and `{ actors: [...] }` for a
 * bare `@Module()`. Adding an actor that is already listed changes nothing.
 * @param fileName the module file's path, for error messages
 * @throws SchematicsException when there is no `@Module` class, or its metadata or `actors`
 *   is not written as a literal (the message says to pass --skip-import and edit by hand)
 */
export function addActorToModule(source: string, fileName: string, entry: ModuleEntry): string {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const call = moduleDecoratorCall(sf, fileName);
  const edits: TextEdit[] = [];
  const listEdit = actorsEdit(sf, call, entry.className, fileName);
  if (listEdit) edits.push(listEdit);
  const imported = importEdit(sf, [entry.className], entry.importPath, fileName);
  if (imported) edits.push(imported);
  return applyTextEdits(source, edits);
}

/** The `Module(...)` call of the first class decorated with `@Module`. */
function moduleDecoratorCall(sf: ts.SourceFile, fileName: string): ts.CallExpression {
  for (const statement of sf.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    for (const decorator of ts.getDecorators(statement) ?? []) {
      const expr = decorator.expression;
      if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === 'Module')
        return expr;
    }
  }
  throw new SchematicsException(
    `${fileName} has no class decorated with @Module(...): pass --module <file> to name the module file, or --skip-import`,
  );
}

function actorsEdit(
  sf: ts.SourceFile,
  call: ts.CallExpression,
  className: string,
  fileName: string,
): TextEdit | undefined {
  const item = `actors: [${className}]`;
  const [metadata] = call.arguments;
  if (!metadata) return { start: call.arguments.pos, end: call.arguments.pos, text: `{ ${item} }` };
  if (!ts.isObjectLiteralExpression(metadata)) throw notLiteral(fileName, 'the @Module(...) argument', className);
  const actors = metadata.properties.find((prop) => prop.name !== undefined && propertyName(prop.name) === 'actors');
  if (!actors) return appendToList(sf, metadata, metadata.properties, item, ' ');
  if (!ts.isPropertyAssignment(actors) || !ts.isArrayLiteralExpression(actors.initializer)) {
    throw notLiteral(fileName, 'its actors', className);
  }
  const list = actors.initializer;
  if (list.elements.some((el) => ts.isIdentifier(el) && el.text === className)) return undefined;
  return appendToList(sf, list, list.elements, className);
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

function notLiteral(fileName: string, what: string, className: string): SchematicsException {
  return new SchematicsException(
    `Cannot add ${className} to the module in ${fileName}: ${what} is not written as a literal ({ ... } / [ ... ]); add ${className} to the module's actors yourself and pass --skip-import`,
  );
}
