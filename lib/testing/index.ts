/** acton-ts/testing: helpers for testing acton-ts apps. */
import 'reflect-metadata';

export { createTestingApp } from './create-testing-app';
export type { TestingAppOptions } from './create-testing-app';
export { ManualClock } from './manual-clock';
export { tempSocketPath } from './temp-socket-path';
