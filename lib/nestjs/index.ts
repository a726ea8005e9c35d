/**
 * acton-ts/nestjs: NestJS interop. Needs the optional peer dependencies @nestjs/common,
 * @nestjs/core and @nestjs/microservices (12.x). Curated exports (no `export *`).
 */
import 'reflect-metadata';

export { ActonClientProxy } from './acton-client-proxy';
export type { ActonClientProxyOptions } from './acton-client-proxy';
export { ActonContext } from './acton-context';
export { ActonModule } from './acton-module';
export type { ActonModuleOptions } from './acton-module';
export type { ActonContextArgs } from './acton-context';
export { parseActonPattern } from './acton-pattern';
export type { ActonPattern, ActonPatternObject, ActonRoute } from './acton-pattern';
export { ActonTransport } from './acton-transport';
export type { ActonTransportOptions, ActonTransportStatus } from './acton-transport';
export { actorErrorFromNest, rpcExceptionFromIpc } from './nest-peer';
export type { ActonRpcError } from './nest-peer';
