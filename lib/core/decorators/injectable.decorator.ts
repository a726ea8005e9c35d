import { markInjectable } from '../metadata/injection-metadata';

/**
 * Marks a provider class whose constructor parameters are injected. Needed only when the
 * constructor has parameters: TypeScript records their types only for decorated classes.
 */
export function Injectable(): ClassDecorator {
  return (target) => markInjectable(target);
}
