/**
 * Server bootstrap shared by every inference service. `startWebServer` reads as a list: validate
 * config, define middlewares, define routes, define the error middleware, listen; then the model
 * loads in the background (readyz answers 503 not-ready with the reason meanwhile, and forever if
 * the model is missing or broken: the process never crashes for it).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type AddressInfo, Server as NetServer, type Socket } from 'node:net';
import type { ServiceDefinition } from '@mlip/catalogue';
import express, { type Express, type Request, type Response } from 'express';
import { AdmissionController } from './admission.ts';
import { type CommonConfig, type ConfigKeys, loadConfig } from './config.ts';
import { discardBody } from './discard-body.ts';
import { errorMiddleware, RouteTable } from './error-middleware.ts';
import { apiError } from './errors.ts';
import type { ImageInputLimits } from './image-input.ts';
import { createLogger, type Logger } from './logger.ts';
import { createServiceMetrics, type ServiceMetrics } from './metrics.ts';
import { ERROR_RESPONSE_SCHEMA, errorResponses, OpenApiBuilder, type OpenApiOperation } from './openapi.ts';
import { ReadinessState } from './readiness.ts';
import { requestContextMiddleware } from './request-context.ts';
import { trustedAddressPolicy, type UrlFetchOptions } from './url-fetcher.ts';

/** What a service's loaded model offers the kit. */
export interface ModelHandle {
  /** Service-specific fields of `GET <prefix>/v1/model` (name, file, sha256, bytes, inputs, outputs...). */
  info(): Record<string, unknown>;
  dispose(): Promise<void>;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

export interface RouteDefinition {
  method: HttpMethod;
  /** Path below the service prefix, e.g. `/v1/detect`. */
  path: string;
  operation: OpenApiOperation;
  /** Inference routes refuse early when the model is not ready or the service drains, and are drained on stop. */
  inference?: boolean;
  handler: (req: Request, res: Response) => Promise<void> | void;
}

export interface ServiceContext<C extends CommonConfig, M extends ModelHandle> {
  readonly service: ServiceDefinition;
  readonly prefix: string;
  readonly config: C;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly openapi: OpenApiBuilder;
  readonly readiness: ReadinessState;
  readonly admission: AdmissionController;
  readonly inputLimits: ImageInputLimits;
  /** The loaded model; throws MODEL_NOT_READY (503) while loading/failed, SHUTTING_DOWN when draining. */
  model(): M;
  /** Runs `job` inside an admission slot (503 OVERLOADED beyond the queue), counted in the gauges. */
  runInference<T>(job: (model: M) => Promise<T>): Promise<T>;
}

export interface WebServiceDefinition<C extends CommonConfig, M extends ModelHandle> {
  service: ServiceDefinition;
  version?: string;
  /** `{...commonConfigKeys(service), ...own keys}`. */
  configKeys: ConfigKeys;
  /** Loads the model and runs the warm-up inference. */
  loadModel(config: C, log: Logger): Promise<M>;
  /** Registers the service's own routes. */
  routes(context: ServiceContext<C, M>): RouteDefinition[];
}

export interface StartOptions<C> {
  env?: NodeJS.ProcessEnv;
  /** Typed values that win over the environment (tests). */
  overrides?: Partial<C>;
  logger?: Logger;
  /**
   * URL fetch policy overrides, for in-process tests that serve images from 127.0.0.1; they win over
   * URL_TRUSTED_ADDRESSES. Production uses the configured address policy and system DNS.
   */
  urlFetch?: Pick<UrlFetchOptions, 'isAddressAllowed' | 'resolve'>;
}

export interface WebServer<C extends CommonConfig, M extends ModelHandle> {
  readonly app: Express;
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  readonly context: ServiceContext<C, M>;
  /** Settles when the background model load has finished (ready or failed). */
  readonly modelLoad: Promise<void>;
  /** Internal: shutdown state. */
  readonly lifecycle: Lifecycle<M>;
}

interface Lifecycle<M> {
  model: M | undefined;
  loadedAt: string | undefined;
  loadMs: number | undefined;
  activeRequests: number;
  /** Responses not finished yet: told `Connection: close` when the stop begins. */
  openResponses: Set<Response>;
  /** Open connections, and for each how many requests it has finished / is answering. */
  connections: Map<Socket, ConnectionUse>;
  /** performance.now() of the last request that arrived after the stop began. */
  lastLateRequestAt: number;
  stopping: Promise<StopResult> | undefined;
}

export interface StopResult {
  /** True when every in-flight request finished before the deadline. */
  drained: boolean;
  durationMs: number;
}

export async function startWebServer<C extends CommonConfig, M extends ModelHandle>(
  definition: WebServiceDefinition<C, M>,
  options: StartOptions<C> = {},
): Promise<WebServer<C, M>> {
  const config = loadConfig(
    definition.configKeys,
    options.env ?? process.env,
    options.overrides,
  ) as unknown as C;
  const log = options.logger ?? createLogger(definition.service.name, config.logLevel);
  const prefix = definition.service.pathPrefix ?? '';
  const lifecycle: Lifecycle<M> = {
    model: undefined,
    loadedAt: undefined,
    loadMs: undefined,
    activeRequests: 0,
    openResponses: new Set(),
    connections: new Map(),
    lastLateRequestAt: Number.NEGATIVE_INFINITY,
    stopping: undefined,
  };
  const context = createContext(definition, config, log, prefix, lifecycle, options.urlFetch);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(requestContextMiddleware(log, context.metrics));
  app.use(connectionCloseWhenStopping(lifecycle, config));

  const table = new RouteTable();
  const register = (route: RouteDefinition) => registerRoute(app, table, context, lifecycle, route);
  for (const route of commonRoutes(context, lifecycle)) register(route);
  for (const route of definition.routes(context)) register(route);

  app.use(table.fallbackMiddleware());
  app.use(errorMiddleware());

  const server = await listen(app, config);
  trackConnections(server, lifecycle.connections);
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host: config.host, prefix }, 'listening');
  const modelLoad = loadModelInBackground(definition, context, lifecycle);
  return { app, server, url: `http://127.0.0.1:${port}`, port, context, modelLoad, lifecycle };
}

function createContext<C extends CommonConfig, M extends ModelHandle>(
  definition: WebServiceDefinition<C, M>,
  config: C,
  log: Logger,
  prefix: string,
  lifecycle: Lifecycle<M>,
  urlFetch: StartOptions<C>['urlFetch'],
): ServiceContext<C, M> {
  const metrics = createServiceMetrics(definition.service.name);
  const readiness = new ReadinessState();
  const admission = new AdmissionController({
    maxConcurrent: config.maxConcurrency,
    maxQueue: config.maxQueue,
    queueTimeoutMs: config.queueTimeoutMs,
    onChange: ({ running, queued }) => {
      metrics.inFlight.set(running);
      metrics.queued.set(queued);
    },
    onReject: (reason) => metrics.rejected.inc({ reason }),
  });
  const openapi = new OpenApiBuilder({
    title: definition.service.name,
    version: definition.version ?? '0.1.0',
    description: definition.service.description,
  });
  openapi.addSchema('Error', ERROR_RESPONSE_SCHEMA);
  const model = (): M => {
    const state = readiness.value;
    if (state.status === 'shutting-down') throw apiError('SHUTTING_DOWN', 'the service is shutting down');
    if (state.status !== 'ready' || !lifecycle.model) {
      throw apiError(
        'MODEL_NOT_READY',
        `model not ready: ${'reason' in state ? state.reason : state.status}`,
        {
          headers: { 'Retry-After': state.status === 'failed' ? '30' : '2' },
        },
      );
    }
    return lifecycle.model;
  };
  return {
    service: definition.service,
    prefix,
    config,
    log,
    metrics,
    openapi,
    readiness,
    admission,
    inputLimits: {
      bodyLimitBytes: config.bodyLimitBytes,
      requestTimeoutMs: config.requestTimeoutMs,
      url: {
        allowlist: config.urlAllowlist,
        maxBytes: config.urlMaxBytes,
        timeoutMs: config.urlTimeoutMs,
        ...(config.urlTrustedAddresses.length > 0
          ? { isAddressAllowed: trustedAddressPolicy(config.urlTrustedAddresses) }
          : {}),
        ...urlFetch,
      },
    },
    model,
    runInference: (job) =>
      admission.run(() => {
        const m = lifecycle.model;
        if (!m) throw apiError('MODEL_NOT_READY', 'model not ready');
        return job(m);
      }),
  };
}

function registerRoute<C extends CommonConfig, M extends ModelHandle>(
  app: Express,
  table: RouteTable,
  context: ServiceContext<C, M>,
  lifecycle: Lifecycle<M>,
  route: RouteDefinition,
): void {
  const fullPath = `${context.prefix}${route.path}`;
  table.add(route.method, fullPath);
  context.openapi.addOperation(route.method, fullPath, {
    ...route.operation,
    responses: {
      ...route.operation.responses,
      ...(route.inference ? errorResponses(400, 413, 415, 422, 503) : {}),
    },
  });
  app[route.method](fullPath, async (req: Request, res: Response) => {
    req.routeLabel = fullPath;
    if (route.inference) {
      // Fail fast before reading the body: no model, or no room in the admission queue.
      context.model();
      context.admission.refuseWhenFull();
      lifecycle.activeRequests++;
      res.once('close', () => {
        lifecycle.activeRequests--;
      });
    }
    await route.handler(req, res);
  });
}

function commonRoutes<C extends CommonConfig, M extends ModelHandle>(
  context: ServiceContext<C, M>,
  lifecycle: Lifecycle<M>,
): RouteDefinition[] {
  return [
    {
      method: 'get',
      path: '/healthz',
      operation: { summary: 'Liveness: 200 while the process runs' },
      handler: (_req, res) => {
        res.json({ status: 'ok' });
      },
    },
    {
      method: 'get',
      path: '/readyz',
      operation: {
        summary: 'Readiness (ALB health check): 200 once the model is loaded and warm',
        responses: { '200': { description: 'ready' }, '503': { description: 'not-ready or shutting-down' } },
      },
      handler: (_req, res) => {
        const state = context.readiness.value;
        if (state.status === 'ready') {
          res.json({ status: 'ready', loadedAt: lifecycle.loadedAt, loadMs: lifecycle.loadMs });
          return;
        }
        res.setHeader('Retry-After', '2');
        res
          .status(503)
          .json(
            state.status === 'shutting-down'
              ? { status: 'shutting-down' }
              : { status: 'not-ready', reason: state.reason },
          );
      },
    },
    {
      method: 'get',
      path: '/v1/model',
      operation: { summary: 'Model information', responses: errorResponses(503) },
      handler: (_req, res) => {
        const model = context.model();
        res.json({ ...model.info(), loadedAt: lifecycle.loadedAt, loadMs: lifecycle.loadMs });
      },
    },
    {
      method: 'get',
      path: '/metrics',
      operation: { summary: 'Prometheus metrics' },
      handler: async (_req, res) => {
        res.setHeader('Content-Type', context.metrics.registry.contentType);
        res.send(await context.metrics.registry.metrics());
      },
    },
    {
      method: 'get',
      path: '/openapi.json',
      operation: { summary: 'This OpenAPI document' },
      handler: (_req, res) => {
        res.json(context.openapi.document());
      },
    },
  ];
}

/**
 * Once the stop has begun, every response carries `Connection: close` (those already in progress
 * too, when their headers are not sent yet), so no client reuses a connection that is about to go.
 * A request that arrives then is read to its end before it is answered (a 503 or readyz): a
 * connection closed with unread bytes makes the kernel send a reset, which can wipe out the
 * answer before the client reads it (nginx's "lingering close" solves the same problem).
 */
function connectionCloseWhenStopping<M>(lifecycle: Lifecycle<M>, config: CommonConfig) {
  return (req: Request, res: Response, next: () => void) => {
    if (!lifecycle.stopping) {
      lifecycle.openResponses.add(res);
      res.once('close', () => lifecycle.openResponses.delete(res));
      next();
      return;
    }
    res.setHeader('Connection', 'close');
    lifecycle.lastLateRequestAt = performance.now();
    void discardBody(req, { maxBytes: config.bodyLimitBytes, timeoutMs: config.requestTimeoutMs }).then(next);
  };
}

interface ConnectionUse {
  finished: number;
  active: number;
}

function trackConnections(server: Server, connections: Map<Socket, ConnectionUse>): void {
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { finished: 0, active: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const use = connections.get(req.socket);
    if (!use) return;
    use.active++;
    res.once('close', () => {
      use.active--;
      use.finished++;
    });
  });
}

function listen(app: Express, config: CommonConfig): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, config.host, (error?: Error) => {
      if (error) reject(error);
      else resolve(server);
    });
    // Slow bodies are cut by the body timer (JSON 408); this is the backstop for slow headers too.
    server.requestTimeout = config.requestTimeoutMs + 5_000;
    server.headersTimeout = Math.min(60_000, config.requestTimeoutMs + 1_000);
    server.keepAliveTimeout = 65_000; // above the ALB idle timeout (60 s)
  });
}

async function loadModelInBackground<C extends CommonConfig, M extends ModelHandle>(
  definition: WebServiceDefinition<C, M>,
  context: ServiceContext<C, M>,
  lifecycle: Lifecycle<M>,
): Promise<void> {
  const started = performance.now();
  context.readiness.loading('model loading');
  try {
    const model = await definition.loadModel(context.config, context.log);
    if (lifecycle.stopping) {
      await model.dispose();
      return;
    }
    lifecycle.model = model;
    lifecycle.loadMs = Math.round(performance.now() - started);
    lifecycle.loadedAt = new Date().toISOString();
    context.metrics.modelLoadSeconds.set(lifecycle.loadMs / 1000);
    context.metrics.modelReady.set(1);
    context.readiness.ready();
    context.log.info({ loadMs: lifecycle.loadMs }, 'model ready');
  } catch (error) {
    const reason = (error as Error).message ?? String(error);
    context.readiness.failed(reason);
    context.log.error({ err: reason }, 'model failed to load; serving not-ready');
  }
}

/** After the drain, how long the clients must have been quiet before the listener closes. */
const QUIET_BEFORE_CLOSE_MS = 250;
/** ...but the listener never stays open longer than this after the drain. */
const MAX_LINGER_MS = 2_000;
/** Time left to answers still being written when the listener has closed. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Graceful stop, all within `deadlineMs` (default SHUTDOWN_DEADLINE_MS):
 * 1. readyz answers 503 shutting-down at once (once the current inference has released the event
 *    loop: ONNX Runtime's `run` is synchronous), new inference requests 503 SHUTTING_DOWN with
 *    Retry-After, and every answer carries `Connection: close`;
 * 2. the admitted inference requests (running or queued) finish, while the listener stays open so
 *    health checks and new requests get that 503 rather than a refused or reset connection;
 * 3. once clients have been quiet for QUIET_BEFORE_CLOSE_MS (at most MAX_LINGER_MS), the listener
 *    closes (new connections are refused from then on), the model is released, the server closes.
 */
export function stopWebServer<C extends CommonConfig, M extends ModelHandle>(
  web: WebServer<C, M>,
  options: { deadlineMs?: number } = {},
): Promise<StopResult> {
  const { lifecycle, context, server } = web;
  if (lifecycle.stopping) return lifecycle.stopping;
  const started = performance.now();
  const deadlineMs = options.deadlineMs ?? context.config.shutdownDeadlineMs;
  const remainingMs = () => Math.max(0, deadlineMs - (performance.now() - started) - 100);
  lifecycle.stopping = (async () => {
    context.readiness.shuttingDown();
    context.metrics.modelReady.set(0);
    for (const res of lifecycle.openResponses) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    lifecycle.openResponses.clear();
    context.log.info({ deadlineMs }, 'shutting down: draining');
    const drained = await waitUntil(
      () => lifecycle.activeRequests === 0 && context.admission.state.running === 0,
      remainingMs(),
    );
    await waitUntil(
      () => performance.now() - lifecycle.lastLateRequestAt >= QUIET_BEFORE_CLOSE_MS,
      Math.min(MAX_LINGER_MS, remainingMs()),
    );
    await stopListening(server, lifecycle.connections, Math.min(CLOSE_GRACE_MS, remainingMs()));
    // A load still running (slow disk, hung file system) must not hold the exit past the deadline;
    // when it finishes later it sees `stopping` and disposes what it loaded.
    await raceTimeout(web.modelLoad, remainingMs());
    await lifecycle.model?.dispose();
    lifecycle.model = undefined;
    const durationMs = Math.round(performance.now() - started);
    context.log.info({ drained, durationMs }, 'stopped');
    return { drained, durationMs };
  })();
  return lifecycle.stopping;
}

/**
 * Stops accepting connections, then closes the server. Not `server.close()` at once: that also
 * destroys connections accepted but not read yet, which their clients see as a reset. Here
 * connections kept alive and idle since before the stop are closed (their last answer predates
 * `Connection: close`); the others get `graceMs` to be answered and end by themselves.
 */
async function stopListening(
  server: Server,
  connections: Map<Socket, ConnectionUse>,
  graceMs: number,
): Promise<void> {
  // One turn of the event loop first, so connections already waiting in the listen backlog
  // (queued while an inference held the loop) are accepted and answered rather than reset.
  await new Promise((r) => setImmediate(r));
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  for (const [socket, use] of connections) {
    if (use.active === 0 && use.finished > 0) socket.destroy();
  }
  await waitUntil(() => connections.size === 0, graceMs);
  server.closeAllConnections();
  await closed;
}

async function raceTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise((r) => {
      timer = setTimeout(r, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
