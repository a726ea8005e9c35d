/**
 * Types of the extensions an app may carry, by kind. Empty in the core; a module that
 * contributes an extension adds its type by declaration merging, so `app.extension(kind)` and
 * `app.listener` are typed without the core importing that module:
 *
 * ```ts
 * declare module '../core/runtime/app-extensions' {
 *   interface AppExtensions { ipc: IpcListener }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AppExtensions {}
