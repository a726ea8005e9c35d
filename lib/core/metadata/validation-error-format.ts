import type { ValidationError } from 'class-validator';

/**
 * One line per failing constraint, `path: message (constraint)`, joined with `; `.
 * Nested properties use dotted paths (`items.0.name: name must be a string (isString)`).
 * A field that is absent from the payload gets one line saying so, with the constraints it
 * must meet, rather than every constraint's complaint about `undefined`.
 * @example `a: a must be an integer number (isInt); b: b should not be empty (isNotEmpty)`
 * @example `qty: qty is required (isInt, min)`
 */
export function formatValidationErrors(errors: readonly ValidationError[]): string {
  const lines: string[] = [];
  for (const error of errors) collect(error, '', lines);
  return lines.join('; ');
}

function collect(error: ValidationError, parent: string, lines: string[]): void {
  const path = parent ? `${parent}.${error.property}` : error.property;
  const constraints = Object.keys(error.constraints ?? {});
  if ('value' in error && error.value === undefined && constraints.length > 0) {
    lines.push(`${path}: ${error.property} is required (${constraints.join(', ')})`);
    return;
  }
  for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
    lines.push(`${path}: ${message} (${constraint})`);
  }
  for (const child of error.children ?? []) collect(child, path, lines);
}
