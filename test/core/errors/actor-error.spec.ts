import { ActorError, ErrorCode, toActorError } from 'acton-ts';
import { thrownName } from '../../../lib/core/errors/actor-error';

describe('ActorError', () => {
  it('carries code, message, data and cause', () => {
    const cause = new Error('socket reset');
    const err = new ActorError('PRODUCT_NOT_FOUND', 'Product not found: gizmo', { product: 'gizmo' }, { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ActorError');
    expect(err.code).toBe('PRODUCT_NOT_FOUND');
    expect(err.message).toBe('Product not found: gizmo');
    expect(err.data).toEqual({ product: 'gizmo' });
    expect(err.cause).toBe(cause);
    expect(new ActorError(ErrorCode.TIMEOUT, 'late')).not.toHaveProperty('data');
  });

  it('toActorError keeps ActorErrors and maps anything else to HANDLER_ERROR with the thrown message', () => {
    const own = new ActorError('OUT_OF_STOCK', 'none left');
    expect(toActorError(own)).toBe(own);

    class QuotaExceeded extends Error {
      override name = 'QuotaExceeded';
    }
    const thrown = new QuotaExceeded('quota exceeded for user 7');
    const mapped = toActorError(thrown);
    expect(mapped).toMatchObject({ code: 'HANDLER_ERROR', message: 'quota exceeded for user 7', cause: thrown });
    expect(thrownName(mapped.cause)).toBe('QuotaExceeded');

    expect(toActorError('plain string')).toMatchObject({ code: 'HANDLER_ERROR', message: 'plain string' });
    expect(toActorError({ reason: 'x' })).toMatchObject({ code: 'HANDLER_ERROR', message: '{"reason":"x"}' });
    expect(thrownName('s')).toBe('string');
  });
});
