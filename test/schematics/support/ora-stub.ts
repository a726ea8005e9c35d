/**
 * Stands in for `ora` (the spinner @angular-devkit/schematics' package-install task imports):
 * ora is an ES module, which jest's CommonJS runtime cannot `require` on Node 20, while plain
 * Node ≥ 20.19 (what `acton` runs on) can. Use as `jest.mock('ora', () => require('./support/ora-stub').oraStub)`.
 * No test here runs an install, so the spinner is never shown.
 */
export const oraStub = {
  __esModule: true,
  default: () => {
    const spinner = {
      start: () => spinner,
      stop: () => spinner,
      succeed: () => spinner,
      fail: () => spinner,
      text: '',
    };
    return spinner;
  },
};
