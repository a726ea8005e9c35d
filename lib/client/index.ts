/**
 * acton-ts/client: a TypeScript client of acton IPC servers (acton-ts or acton-reactive).
 * Curated exports (no `export *`).
 */
import 'reflect-metadata';

export { ActonClient } from './acton-client';
export type { ClientStatus, Push } from './acton-client';
export { ActorHandle } from './actor-handle';
export type { CallOptions, DiscoverOptions, StreamCallOptions } from './call-options';
export type { ClientOptions, ConnectTarget, ReconnectOptions } from './client-options';
export { IpcRequestError, isIpcRequestError } from './ipc-request-error';
export type { IpcRequestErrorInit } from './ipc-request-error';
export type {
  MessageClass,
  MessageInstance,
  MessageProps,
  ReplyOf,
  RepliesWith,
} from '../core/metadata/message-typing';
export type { Transport, TransportEvents, TransportFactory } from './transport';
export { connectUnixSocket } from './unix-socket-transport';
export type { ActorInfo, ActorMessageType, DiscoveryResponse, MessageKind, PushNotification } from '../ipc/protocol';
export { resolveSocketPath } from './resolve-socket-path';
