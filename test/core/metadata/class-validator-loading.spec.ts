import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs `script` in a fresh Node process with acton-ts's TypeScript sources (transpiled on the
 * fly) and returns what it printed: module loading is per process, and Jest's own registry
 * would not show what a plain `require('acton-ts')` loads.
 */
function runInFreshNode(script: string): string {
  return execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Prints how many of class-validator's own modules (node_modules/class-validator/…) are loaded. */
const PRINT_CLASS_VALIDATOR_MODULES =
  "console.log(Object.keys(require.cache).filter((m) => m.includes('node_modules/class-validator/')).length);";

describe('class-validator is loaded only by apps that use it', () => {
  it('loading acton-ts does not load class-validator (nor validator.js and libphonenumber-js with it)', () => {
    const printed = runInFreshNode(`require('./lib/index.ts'); ${PRINT_CLASS_VALIDATOR_MODULES}`);
    expect(Number(printed.trim())).toBe(0);
  }, 60_000);

  it('a message class decorated with class-validator is still validated when acton-ts is loaded first', () => {
    const printed = runInFreshNode(`
      require('reflect-metadata');
      const { ClassValidatorPayloadValidator, Message } = require('./lib/index.ts');
      const { IsInt, Min } = require('class-validator');
      class Order { quantity = 0; }
      IsInt()(Order.prototype, 'quantity');
      Min(1)(Order.prototype, 'quantity');
      Message('Order')(Order);
      const validator = new ClassValidatorPayloadValidator();
      const definition = { name: 'Order', type: Order };
      const good = validator.decode(definition, { quantity: 2 });
      let refused = '';
      try { validator.decode(definition, { quantity: 0 }); } catch (err) { refused = err.message; }
      console.log(JSON.stringify({ good: good instanceof Order && good.quantity, refused }));
    `);
    const { good, refused } = JSON.parse(printed.trim().split('\n').pop()!) as { good: number; refused: string };
    expect(good).toBe(2);
    expect(refused).toContain('quantity');
  }, 60_000);
});
