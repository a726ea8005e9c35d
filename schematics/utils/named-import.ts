import * as ts from 'typescript';
import { SchematicsException } from '@angular-devkit/schematics';
import { TextEdit } from './text-edit';

/**
 * The edit that makes every name in `names` imported from `specifier` in `sf`: nothing when
 * they all are, the missing names added to an existing `import { ... } from '<specifier>'`, or
 * one new import line after the last import (quotes matching the file's first import).
 * @param fileName the file's path, for error messages
 * @throws SchematicsException when a name is already imported from another module
 */
export function importEdit(
  sf: ts.SourceFile,
  names: readonly string[],
  specifier: string,
  fileName: string,
): TextEdit | undefined {
  const imports = sf.statements.filter(ts.isImportDeclaration);
  const missing = names.filter((name) => !importedFrom(imports, name, specifier, fileName));
  if (missing.length === 0) return undefined;
  const sameModule = imports.find((decl) => specifierOf(decl) === specifier && namedImports(decl)?.elements.length);
  if (sameModule) {
    const elements = namedImports(sameModule)!.elements;
    const last = elements[elements.length - 1]!;
    return { start: last.end, end: last.end, text: `, ${missing.join(', ')}` };
  }
  const quote = imports[0]?.moduleSpecifier.getText(sf).startsWith('"') ? '"' : "'";
  const line = `import { ${missing.join(', ')} } from ${quote}${specifier}${quote};`;
  const after = imports[imports.length - 1];
  return after ? { start: after.end, end: after.end, text: `\n${line}` } : { start: 0, end: 0, text: `${line}\n` };
}

/** Whether `name` is imported from `specifier`; throws when it is imported from elsewhere. */
function importedFrom(
  imports: readonly ts.ImportDeclaration[],
  name: string,
  specifier: string,
  fileName: string,
): boolean {
  const decl = imports.find((d) => importedNames(d).includes(name));
  if (!decl) return false;
  const from = specifierOf(decl);
  if (from === specifier) return true;
  throw new SchematicsException(
    `${fileName} already imports ${name} from '${from}': rename one of them, or add the code by hand`,
  );
}

function specifierOf(decl: ts.ImportDeclaration): string {
  return (decl.moduleSpecifier as ts.StringLiteral).text;
}

function namedImports(decl: ts.ImportDeclaration): ts.NamedImports | undefined {
  const bindings = decl.importClause?.namedBindings;
  return bindings && ts.isNamedImports(bindings) ? bindings : undefined;
}

function importedNames(decl: ts.ImportDeclaration): string[] {
  const clause = decl.importClause;
  const names = namedImports(decl)?.elements.map((el) => el.name.text) ?? [];
  return clause?.name ? [clause.name.text, ...names] : names;
}
