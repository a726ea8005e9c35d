import { toActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import { ErrorMessages } from '../../core/errors/error-messages';
import { ErrorDetails } from '../protocol/wire-types';
import { ErrorFields } from './reply-frames';

/** The no-reply answer, kept byte-exact (reference clients match it, PROTOCOL.md §3.3). */
export const NO_REPLY: ErrorFields = Object.freeze({ code: ErrorCode.IO_ERROR, message: ErrorMessages.NO_REPLY });

/**
 * What a caller sees when a handler failed (PROTOCOL.md §0 D1): the thrown `ActorError`'s code,
 * or `HANDLER_ERROR`; `error` exactly the thrown message; `error_details` with the error's class
 * name and the `ActorError`'s `data`, if any.
 */
export function handlerFailure(err: unknown): ErrorFields {
  const actorError = toActorError(err);
  const details: ErrorDetails = actorError.data === undefined ? { name: classNameOf(err) } : { name: classNameOf(err), data: actorError.data };
  return { code: actorError.code, message: actorError.message, details };
}

function classNameOf(err: unknown): string {
  if (err instanceof Error) return err.constructor?.name || err.name || 'Error';
  if (err === null) return 'null';
  if (typeof err === 'object') return (err as object).constructor?.name ?? 'Object';
  return typeof err;
}
