import {
  isPattern,
  parsePatternSubscriptionRequest,
  patternListProblem,
  patternProblem,
  PatternErrors,
} from '../../../lib/ipc/protocol/pattern-subscription';

describe('pattern subscription rules (docs/protocol.md §11.1)', () => {
  it.each(['*', 'Order*', 'a?b[c].d*', 'ü*'])('accepts %s', (pattern) => {
    expect(patternProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['Order', "pattern must contain exactly one terminal '*'"],
    ['Or*der', "pattern must contain exactly one terminal '*'"],
    ['**', "pattern must contain exactly one terminal '*'"],
    ['*Order*', "pattern must contain exactly one terminal '*'"],
    ['', "pattern must contain exactly one terminal '*'"],
  ])('rejects %j with the reference text', (pattern, text) => {
    expect(patternProblem(pattern)).toBe(text);
  });

  it('counts UTF-8 bytes, not characters, and checks the length first', () => {
    expect(patternProblem('a'.repeat(255) + '*')).toBeUndefined();
    expect(patternProblem('a'.repeat(256) + '*')).toBe('pattern exceeds 256 UTF-8 bytes');
    expect(patternProblem('é'.repeat(128) + '*')).toBe(PatternErrors.TOO_LONG); // 257 bytes, 129 chars
    expect(patternProblem('x'.repeat(300))).toBe(PatternErrors.TOO_LONG); // no star, but too long wins
  });

  it('rejects more than 128 entries before de-duplication, and the first bad pattern of a list', () => {
    expect(patternListProblem(Array(128).fill('A*'))).toBeUndefined();
    expect(patternListProblem(Array(129).fill('A*'))).toBe('pattern limit of 128 exceeded');
    expect(patternListProblem(['A*', 'B', 'C'.repeat(300)])).toBe(PatternErrors.NOT_ONE_TERMINAL_STAR);
  });

  it('parses the body and explains a bad one', () => {
    expect(parsePatternSubscriptionRequest({ correlation_id: 'p1', patterns: ['A*'], extra: 1 })).toEqual({
      ok: true,
      value: { correlation_id: 'p1', patterns: ['A*'], extra: 1 },
    });
    expect(parsePatternSubscriptionRequest({ correlation_id: 'p1' })).toEqual({
      ok: false,
      detail: 'missing field `patterns`',
    });
    expect(parsePatternSubscriptionRequest({ correlation_id: 'p1', patterns: [1] })).toEqual({
      ok: false,
      detail: 'invalid type: integer `1`, expected a string',
    });
    expect(parsePatternSubscriptionRequest([])).toEqual({
      ok: false,
      detail: 'invalid type: sequence, expected struct IpcSubscribePatternsRequest',
    });
  });

  it('decides pattern vs exact by the star', () => {
    expect(isPattern('Order*')).toBe(true);
    expect(isPattern('Or*der')).toBe(true);
    expect(isPattern('Order')).toBe(false);
  });
});
