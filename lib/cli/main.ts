#!/usr/bin/env node
/**
 * The `acton` executable (package `bin`, built to `dist/lib/cli/main.js`).
 * Exit codes: 0 ok, 1 request error, 2 usage error, 3 cannot connect, 4 timeout.
 */
import 'reflect-metadata';
import { runCli } from './run-cli';

void runCli(process.argv).then((code) => {
  process.exitCode = code;
});
