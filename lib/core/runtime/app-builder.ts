import { ClassValidatorPayloadValidator } from '../metadata/class-validator-payload-validator';
import { CompiledPayloadValidator } from '../metadata/compiled-payload-validator';
import { messageDefinitionOf } from '../metadata/message-metadata';
import { MessageRegistry } from '../metadata/message-registry';
import { ModuleImport } from '../metadata/module-metadata';
import { PayloadValidator, ValidationOptions } from '../metadata/payload-validator';
import { ActonApp, ActorTarget } from './acton-app';
import { ActorPlan, planActor } from './actor-plan';
import { ActorSystem } from './actor-system';
import { AppExtension } from './app-extension';
import { BroadcastHub } from './broadcast-hub';
import { Broker } from './broker';
import { Clock, SystemClock } from './clock';
import { KeyedActorType } from './keyed/keyed-actor-type';
import { KeyedActors } from './keyed/keyed-actors';
import { InMemoryKeyedStateStore, KeyedStateStore } from './keyed/keyed-state-store';
import { Lifecycle } from './lifecycle';
import { defaultLogger, Logger } from './logger';
import { collectModules } from './module-collector';
import { InjectionToken, Provider, providerToken, tokenName } from './provider';
import { ReplySink } from './reply-sink';
import { SUPERVISION_EVENTS } from './supervision-events';
import { RootEscalation, Supervisor } from './supervisor';
import { TimerDelivery, Timers } from './timers';
import { TsyringeInjector } from './tsyringe-injector';

/** Bound, in ms, for each `onStop` / extension `stop()` when a failed start is rolled back. */
const STARTUP_ABORT_TIMEOUT_MS = 5_000;

/** Options shared by `bootstrap()` and `createTestingApp()`. */
export interface AppOptions {
  /** Where the framework logs; default: console (warnings and errors only under tests). */
  readonly logger?: Logger;
  /**
   * Payload validation: class-validator options (`whitelist`, default true;
   * `forbidNonWhitelisted`, default false) and `inProcess` (default true: also validate
   * messages given to `ask` / `tell` / `stream`).
   */
  readonly validation?: ValidationOptions & { readonly inProcess?: boolean };
  /** Replaces the default validator (compiled checks in front of class-transformer + class-validator). */
  readonly validator?: PayloadValidator;
  /**
   * The time source of `Timers`, restart backoff and call deadlines (injectable as `Clock`); default the system
   * clock. Tests pass `new ManualClock()` from `acton-ts/testing`.
   */
  readonly clock?: Clock;
  /**
   * When a failure escalates past a top-level actor (it exceeded its restart limit): `'log'`
   * (default: logged, `RestartLimitExceeded` broadcast, the app keeps serving) or `'close'`
   * (also `app.close()`).
   */
  readonly rootEscalation?: RootEscalation;
}

/** @internal what the builder needs beyond `AppOptions` */
export interface BuildOptions extends AppOptions {
  /** Providers registered last, replacing those of the modules with the same token. */
  readonly overrides?: readonly Provider[];
  /** Create and start the modules' extensions (e.g. the IPC listener); default true. */
  readonly extensions?: boolean;
}

/**
 * Builds and starts an app from its root module: collects the module tree, resolves every
 * handler's message class (startup errors name class and method), builds the message registry
 * (duplicate wire names name both classes), wires one injector per app, builds every provider
 * and actor eagerly, calls `onStart` in dependency order, then starts the extensions.
 * A failing `onStart` or extension start stops what already started, calls every extension's
 * `stop()`, and rejects with an error naming the culprit.
 */
export async function buildApp(root: ModuleImport, options: BuildOptions = {}): Promise<ActonApp> {
  const logger = options.logger ?? defaultLogger();
  const modules = collectModules(root);
  const plans = modules.actors.map((type) => planActor(type));
  assertUniqueNames(plans);
  // The compiled validator answers valid payloads without class-validator's generic machinery
  // and hands everything else (every failure included) to class-validator (issue 7).
  const validator =
    options.validator ?? new CompiledPayloadValidator(new ClassValidatorPayloadValidator(options.validation));
  const registry = new MessageRegistry(validator);
  for (const plan of plans) for (const handler of plan.handlers) registry.register(handler.definition);
  for (const event of SUPERVISION_EVENTS) registry.register(messageDefinitionOf(event)!);
  for (const skipped of registry.adoptDecorated()) {
    logger.debug(
      `@Message class ${skipped.type.name} left out of the registry: wire name '${skipped.name}' belongs to ${registry.byName(skipped.name)?.type.name}`,
    );
  }
  const hub = new BroadcastHub(registry, logger);
  const broker = new Broker(hub, registry);
  const lifecycle = new Lifecycle();
  const clock = options.clock ?? new SystemClock();
  const rootEscalation = options.rootEscalation ?? 'log';
  if (rootEscalation !== 'log' && rootEscalation !== 'close') {
    throw new Error(`Invalid rootEscalation ${JSON.stringify(rootEscalation)}: use 'log' or 'close'`);
  }
  // The app is built after the actor system; these closures only run once it exists.
  // eslint-disable-next-line prefer-const -- read by the closures below, which run only once it is set
  let app!: ActonApp;
  const supervisor = new Supervisor({
    lifecycle,
    broker,
    clock,
    logger,
    rootEscalation,
    spawn: (type, name, spawnOptions) => app.spawn(type, name, spawnOptions),
    forget: (ref) => app.forgetActor(ref),
    close: () => void app.close(),
  });
  const delivery: TimerDelivery = {
    deliverTimed: (target: ActorTarget, message: object, sink: ReplySink) => app.deliverTimed(target, message, sink),
  };
  const timersOf = (owner: string): Timers => new Timers(clock, delivery, logger, owner);
  const system = new ActorSystem(hub, broker, logger, timersOf, supervisor);
  supervisor.attach(system);
  const timers = new Timers(clock, delivery, logger, 'the app');
  const actorNames = new Map<unknown, string>(plans.map((plan) => [plan.type, plan.options.name]));
  const label = (token: InjectionToken): string =>
    actorNames.has(token) ? `actor '${actorNames.get(token)}' (${tokenName(token)})` : `provider ${tokenName(token)}`;
  const injector = TsyringeInjector.createRoot((instance, token) => lifecycle.add(instance, label(token)));
  const validateInProcess = options.validation?.inProcess ?? true;
  const keyed = new KeyedActors();
  app = new ActonApp({
    injector,
    system,
    keyed,
    registry,
    broker,
    logger,
    lifecycle,
    supervisor,
    clock,
    timers,
    validateInProcess,
  });

  injector.provideValue(ActonApp, app);
  injector.provideValue(Broker, broker);
  injector.provideValue(Clock, clock);
  injector.provideValue(Timers, timers);
  injector.provideValue(MessageRegistry, registry);
  for (const provider of modules.providers) injector.register(provider);
  const keyedPlans = plans.filter((plan) => plan.options.cluster === 'keyed');
  const singlePlans = plans.filter((plan) => plan.options.cluster !== 'keyed');
  for (const plan of singlePlans) injector.provideFactory(plan.type, () => system.create(plan, injector).instance);
  for (const provider of options.overrides ?? []) injector.register(provider);
  for (const provider of modules.providers)
    if (!('useValue' in Object(provider))) injector.resolve(providerToken(provider));
  for (const plan of singlePlans) injector.resolve(plan.type);
  const store = injector.has(KeyedStateStore) ? injector.resolve(KeyedStateStore) : new InMemoryKeyedStateStore();
  for (const plan of keyedPlans) {
    const scope = injector.createChild();
    scope.provideValue(Broker, broker.forActor(plan.options.name));
    keyed.add(new KeyedActorType(plan, { injector: scope, logger, timersFor: timersOf, store, clock, broker }));
  }

  const extensions = options.extensions === false ? [] : modules.extensions.map((factory) => factory());
  app.attachExtensions(extensions);
  await start(app, lifecycle, extensions, logger);
  return app;
}

async function start(
  app: ActonApp,
  lifecycle: Lifecycle,
  extensions: readonly AppExtension[],
  logger: Logger,
): Promise<void> {
  try {
    await lifecycle.startAll();
  } catch (err) {
    await app.abortStartup(STARTUP_ABORT_TIMEOUT_MS);
    throw err;
  }
  for (const extension of extensions) {
    try {
      await extension.start(app);
    } catch (err) {
      logger.debug(`extension '${extension.kind}' failed to start; stopping the app`);
      await app.abortStartup(STARTUP_ABORT_TIMEOUT_MS);
      const text = err instanceof Error ? err.message : String(err);
      throw new Error(`Extension '${extension.kind}' failed to start: ${text}`, { cause: err });
    }
  }
}

function assertUniqueNames(plans: readonly ActorPlan[]): void {
  const byName = new Map<string, ActorPlan>();
  for (const plan of plans) {
    const holder = byName.get(plan.options.name);
    if (holder) {
      throw new Error(
        `Actor name '${plan.options.name}' is used by both ${holder.type.name} and ${plan.type.name}; give one of them another name in @Actor('...')`,
      );
    }
    byName.set(plan.options.name, plan);
  }
}
