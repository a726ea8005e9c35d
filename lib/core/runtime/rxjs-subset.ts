/**
 * The part of rxjs the core uses, loaded from rxjs's own modules instead of its index: the index
 * requires all of rxjs (≈ 220 modules, ≈ 100 ms of start-up on a busy 2-core machine) where the
 * core needs three. These are the very classes the index re-exports (the same module files), so
 * `instanceof` and `isObservable` agree with a user's `import { Observable } from 'rxjs'`.
 * rxjs 7 exports `rxjs/internal/*` in its package.json for this.
 */
export { Observable } from 'rxjs/internal/Observable';
export { Subscription } from 'rxjs/internal/Subscription';
export { isObservable } from 'rxjs/internal/util/isObservable';
