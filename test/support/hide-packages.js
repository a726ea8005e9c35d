// Preloaded with `node -r` by the specs that prove an optional peer's missing-package error: makes
// every package whose name starts with one of the comma-separated prefixes of
// $ACTON_HIDE_PACKAGES unresolvable, as in a project that never installed it.
const Module = require('node:module');
const prefixes = (process.env.ACTON_HIDE_PACKAGES ?? '').split(',').filter((prefix) => prefix !== '');
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (prefixes.some((prefix) => request.startsWith(prefix))) {
    const err = new Error(`Cannot find module '${request}'`);
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  }
  return original.call(this, request, ...rest);
};
