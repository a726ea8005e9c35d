import { requireOptional } from '../core/runtime/optional-dependency';

/**
 * Loads the optional NestJS peer dependencies of `acton-ts/nestjs`. They are not dependencies of
 * acton-ts: a project that never imports `acton-ts/nestjs` does not need them. Nest 12 ships
 * ES modules; Node ≥ 20.19 can `require()` them from this CommonJS build.
 */
type Microservices = typeof import('@nestjs/microservices');

const INSTALL = 'npm install @nestjs/common @nestjs/core @nestjs/microservices rxjs';

/** `@nestjs/microservices`, loaded on first use of `acton-ts/nestjs`. */
export const nestMicroservices: Microservices = requireOptional<Microservices>(
  '@nestjs/microservices',
  'acton-ts/nestjs',
  INSTALL,
);
