/** acton-ts/testing: helpers for testing acton-ts apps. */
import 'reflect-metadata';

export { createTestingApp, tempSocketPath } from './testing-app';
export type { TestingAppOptions } from './testing-app';
export { ManualClock } from './manual-clock';
