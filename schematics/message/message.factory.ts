import { readFileSync } from 'node:fs';
import { join as joinFs } from 'node:path';
import { join, normalize, Path, template } from '@angular-devkit/core';
import { Rule, SchematicsException, Tree } from '@angular-devkit/schematics';
import * as ts from 'typescript';
import { importEdit } from '../utils/named-import';
import { actorNames, messageNames, MessageNames, splitNamePath, article } from '../utils/names';
import { assertTypeScript } from '../utils/nest-cli-options';
import { templatesDir } from '../utils/package-root';
import { applyTextEdits, TextEdit } from '../utils/text-edit';
import { MessageOptions } from './message-options';

/** The names the appended classes use, by the module they are imported from. */
const IMPORTS: readonly (readonly [string, readonly string[]])[] = [
  ['acton-ts', ['Message']],
  ['class-validator', ['IsNotEmpty', 'IsString']],
];

/**
 * The `message` schematic: `acton g message price-quote --actor price-feed` appends
 * `PriceQuoteReply` and `@Message('PriceQuote', { reply: PriceQuoteReply }) PriceQuote` to
 * `src/price-feed/price-feed.messages.ts`, adding the imports the file lacks (`--no-reply`: the
 * message alone). The file must exist (generate the actor first).
 * @throws SchematicsException for an invalid name, a missing or ambiguous messages file, or a
 *   class name the file already declares
 */
export function message(options: MessageOptions): Rule {
  return (tree: Tree) => {
    assertTypeScript(options.language);
    const { dir, name } = splitNamePath(options.name);
    const names = messageNames(name);
    const file = messagesFile(tree, options, dir);
    const source = tree.readText(file);
    tree.overwrite(file, withMessage(source, file.slice(1), names, options.reply !== false));
  };
}

/** Where the message goes: the actor's `<actor>.messages.ts`, or the one `*.messages.ts` in the folder. */
function messagesFile(tree: Tree, options: MessageOptions, nameDir: string): Path {
  const folder = join(normalize(`/${options.sourceRoot ?? 'src'}`), options.path ?? '', nameDir);
  if (options.actor) {
    const { dir, name } = splitNamePath(options.actor);
    const fileName = actorNames(name).fileName;
    const file = join(folder, dir, options.flat ? '' : fileName, `${fileName}.messages.ts`);
    if (!tree.exists(file)) {
      throw new SchematicsException(
        `${file.slice(1)} does not exist: generate the actor first (acton g actor ${options.actor}), or check --actor / --path / --flat`,
      );
    }
    return file;
  }
  const found = tree.getDir(folder).subfiles.filter((f) => f.endsWith('.messages.ts'));
  if (found.length !== 1) {
    const what = found.length === 0 ? 'no *.messages.ts' : `${found.length} *.messages.ts files (${found.join(', ')})`;
    throw new SchematicsException(
      `${folder.slice(1) || '.'} holds ${what}: name the actor whose messages file to use with --actor <name>`,
    );
  }
  return join(folder, found[0]!);
}

/** `source` with the message classes appended and the imports they need added. */
function withMessage(source: string, fileName: string, names: MessageNames, reply: boolean): string {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  for (const className of reply ? [names.className, names.replyClass] : [names.className]) {
    if (declares(sf, className)) {
      throw new SchematicsException(`${fileName} already declares ${className}: choose another message name`);
    }
  }
  const snippet = template<object>(readFileSync(joinFs(templatesDir('message'), 'message.ts.template'), 'utf8'))({
    ...names,
    reply,
    article,
  });
  const separator = source.endsWith('\n') || source.length === 0 ? '' : '\n';
  const edits: TextEdit[] = [];
  for (const [from, imported] of IMPORTS) {
    const edit = importEdit(sf, imported, from, fileName);
    if (edit) edits.push(edit);
  }
  // Last, so that in a file holding only imports the new import lines still come first.
  edits.push({ start: source.length, end: source.length, text: `${separator}${snippet}` });
  return applyTextEdits(source, edits);
}

function declares(sf: ts.SourceFile, name: string): boolean {
  return sf.statements.some(
    (s) =>
      (ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) &&
      s.name?.text === name,
  );
}
