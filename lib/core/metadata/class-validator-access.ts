/**
 * class-validator, loaded on first use instead of when acton-ts loads. Why: its index requires
 * validator.js and libphonenumber-js too — 321 modules, ≈ 14 MB of RSS and 3.3 MB of heap on
 * their own — which an app without class-validator decorators would carry for nothing.
 * An app that decorates its messages has loaded class-validator itself, so the `require` here
 * then costs nothing.
 */
type ClassValidator = typeof import('class-validator');

/** class-validator's store of the constraints the app's decorators declared. */
export type ValidationMetadataStorage = ReturnType<ClassValidator['getMetadataStorage']>;

let loaded: ClassValidator | undefined;

/** The class-validator module (required on the first call). */
export function classValidator(): ClassValidator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see the file comment)
  loaded ??= require('class-validator') as ClassValidator;
  return loaded;
}

/**
 * The constraints store, or `undefined` when no class-validator decorator has run in this
 * process: class-validator creates its store (`globalThis.classValidatorMetadataStorage`) on the
 * first decorator, so without it no class has constraints, and class-validator is not loaded.
 */
export function validationMetadata(): ValidationMetadataStorage | undefined {
  if ((globalThis as { classValidatorMetadataStorage?: unknown }).classValidatorMetadataStorage === undefined)
    return undefined;
  return classValidator().getMetadataStorage();
}
