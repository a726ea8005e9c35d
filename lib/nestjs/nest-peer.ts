/**
 * Loads the optional NestJS peer dependencies of `acton-ts/nestjs`. They are not dependencies of
 * acton-ts: a project that never imports `acton-ts/nestjs` does not need them. Nest 12 ships
 * ES modules; Node ≥ 20.19 can `require()` them from this CommonJS build.
 */
type Microservices = typeof import('@nestjs/microservices');

const INSTALL = 'npm install @nestjs/common @nestjs/core @nestjs/microservices rxjs';

/**
 * `require(name)`, or an error naming the missing package and the install command.
 * @throws Error "acton-ts/nestjs needs the package X ..." when X cannot be loaded
 */
function requirePeer<T>(name: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer, loaded on first use only
    return require(name) as T;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `acton-ts/nestjs needs the package ${name} (an optional peer dependency of acton-ts); ` +
        `install it: ${INSTALL}. Loading it failed: ${reason}`,
      { cause: err },
    );
  }
}

/** `@nestjs/microservices`, loaded on first use of `acton-ts/nestjs`. */
export const nestMicroservices: Microservices = requirePeer<Microservices>('@nestjs/microservices');
