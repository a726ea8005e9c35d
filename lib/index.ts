/**
 * acton-ts public API. Curated: add a line per symbol (no `export *`).
 */
import 'reflect-metadata';

// Decorators
export { Actor } from './core/decorators/actor.decorator';
export { Message } from './core/decorators/message.decorator';
export type { MessageOptions } from './core/decorators/message.decorator';
export { Inject, Injectable, Module } from './core/decorators/injector.decorators';
export { OnMessage } from './core/decorators/on-message.decorator';

// Metadata
export type { ActorOptions } from './core/metadata/actor-metadata';
export { DEFAULT_SUPERVISION } from './core/metadata/supervision-options';
export type {
  BackoffOptions,
  ResolvedSupervision,
  RestartPolicy,
  SupervisionOptions,
  SupervisionStrategy,
} from './core/metadata/supervision-options';
export { ClassValidatorPayloadValidator } from './core/metadata/class-validator-payload-validator';
export type { OnMessageOptions } from './core/metadata/handler-metadata';
export { jsonSchemaOf } from './core/metadata/json-schema';
export type { JsonSchema } from './core/metadata/json-schema';
export type { MessageDefinition } from './core/metadata/message-metadata';
export { MessageRegistry } from './core/metadata/message-registry';
export type { MessageClass, MessageInstance, MessageProps, ReplyOf, RepliesWith } from './core/metadata/message-typing';
export type { DynamicModule, ModuleImport, ModuleMetadata } from './core/metadata/module-metadata';
export type { PayloadValidator, ValidationOptions } from './core/metadata/payload-validator';

// Runtime
export { ActonApp } from './core/runtime/acton-app';
export type {
  ActorEntry,
  ActorTarget,
  AppState,
  AskOptions,
  CloseOptions,
  SpawnOptions,
  StreamOptions,
} from './core/runtime/acton-app';
export type { ActorRef, HandlerInfo, HandlerKind } from './core/runtime/actor-ref';
export type { AppExtension, AppExtensionFactory } from './core/runtime/app-extension';
export type { AppExtensions } from './core/runtime/app-extension';
export type { AppOptions } from './core/runtime/app-builder';
export { bootstrap } from './core/runtime/bootstrap';
export type { BootstrapOptions } from './core/runtime/bootstrap';
export type { BroadcastEvent, BroadcastListener } from './core/runtime/broadcast-hub';
export { Broker } from './core/runtime/broker';
export { Clock, SystemClock } from './core/runtime/clock';
export type { ClockTimer } from './core/runtime/clock';
export type { Delivery } from './core/runtime/delivery';
export type { OnStart, OnStop } from './core/runtime/lifecycle';
export { KeyedStateStore, InMemoryKeyedStateStore } from './core/runtime/keyed/keyed-state-store';
export type { OnActivate, OnPassivate } from './core/runtime/keyed/keyed-state-store';
export { KeyedActorType } from './core/runtime/keyed/keyed-actor-type';
export { KeyRef } from './core/runtime/keyed/key-ref';
export type { KeyedActorStats, KeyGate } from './core/runtime/keyed/keyed-actor-type';
export { ConsoleLogger, defaultLogger } from './core/runtime/logger';
export type { Logger, LogLevel } from './core/runtime/logger';
export type { MessageContext } from './core/runtime/message-context';
export type { PeerInfo } from './core/runtime/message-context';
export type {
  ClassProvider,
  FactoryProvider,
  InjectionToken,
  Provider,
  Type,
  ValueProvider,
} from './core/runtime/provider';
export type { ReplySink } from './core/runtime/reply-sink';
export { restartDelay } from './core/runtime/restart-backoff';
export { TellReceipt } from './core/runtime/tell-receipt';
export { ActorRestarted, ActorStopped, RestartLimitExceeded } from './core/runtime/supervision-events';
export type { RootEscalation } from './core/runtime/supervisor';
export { Timers } from './core/runtime/timers';
export type { SendEveryOptions, TimerHandle, TimerMode } from './core/runtime/timers';

// Errors
export { ActorError, toActorError } from './core/errors/actor-error';
export type { ActorErrorOptions } from './core/errors/actor-error';
export { ErrorCode } from './core/errors/error-code';
export { ErrorMessages } from './core/errors/error-messages';

// IPC (added by lib/ipc)
export { IpcModule } from './ipc/ipc.module';
export { IpcListener } from './ipc/server/ipc-listener';
export type { DrainResult, IpcModuleOptions } from './ipc/server/ipc-listener';
export type { IpcListenerStats } from './ipc/server/listener-stats';
export type { IpcConfig, IpcConfigOverrides } from './ipc/config/ipc-config';
// Security (acton-reactive 9.4, docs/protocol.md §11.2)
export { sameUidPolicy, allowListPolicy } from './ipc/security/ready-policies';
export type { AllowList } from './ipc/security/ready-policies';
export type {
  ConnectionInfo,
  IpcOperation,
  SecurityContext,
  SecurityPolicy,
  Verdict,
} from './ipc/security/security-policy';
export type { SecurityConfig, SecurityPolicyName } from './ipc/config/ipc-config';
export type { PeerCredentials } from './ipc/server/peer-credentials';
