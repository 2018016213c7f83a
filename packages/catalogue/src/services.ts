/**
 * The one catalogue of deployable services. Infra (ALB rules, target groups, ECR,
 * task definitions), the services themselves, the local gateway, the web UI's dev
 * proxy and the scripts all read it; nobody retypes a port or a path.
 */

export type ServiceName = 'yolo-api' | 'depth-api' | 'webapp';

export interface ServiceDefinition {
  /** Stable identifier, also the workspace folder name and the ECS service suffix. */
  readonly name: ServiceName;
  readonly description: string;
  /** `api` services own a path prefix; the `web` service is the ALB's default action. */
  readonly kind: 'api' | 'web';
  /**
   * Port the process listens on. In AWS every task has its own ENI (`awsvpc`), so
   * ports never collide there; locally they must differ because all run on one host.
   */
  readonly port: number;
  /** ALB path prefix (full path is forwarded), or `null` for the default route. */
  readonly pathPrefix: `/${string}` | null;
  /** Readiness path (ALB target-group health check, container HEALTHCHECK). */
  readonly healthPath: `/${string}`;
  /** Liveness path (process is up; says nothing about the model). */
  readonly livenessPath: `/${string}`;
  /** ECR repository name (prefixed with the environment's name prefix in infra). */
  readonly imageRepository: string;
  /** Listener-rule priority for prefixed services; lower wins. */
  readonly albRulePriority: number | null;
  /** Workspace folder holding the package. */
  readonly workspaceDir: string;
  /**
   * Environment of the process wherever it runs: the image's runtime-stage ENV (checked by the
   * Dockerfile lint) and the local runner (a variable the user sets wins). Runtime settings, not
   * application config.
   */
  readonly runtimeEnv: Readonly<Record<string, string>>;
}

/**
 * The model services' runtime environment. `MALLOC_ARENA_MAX=2`: glibc gives each thread that
 * allocates (the inference worker, ONNX Runtime's pool, libuv's pool for sharp) its own malloc
 * arena, and freed memory fragments across them. Over 12 passes of the bad-input corpus the
 * services' RSS settled 30-35 MiB lower with it (yolo-api 245-255 vs 270-284 MiB) and stayed
 * flat, with no change in latency or throughput side by side (docs/benchmarks.md). The ECS
 * services scale on memory, so memory that only fragmentation holds would add tasks for nothing.
 */
export const MODEL_SERVICE_RUNTIME_ENV = Object.freeze({ MALLOC_ARENA_MAX: '2' });

export const GATEWAY_DEFAULT_PORT = 8080;

export const SERVICES = Object.freeze({
  'yolo-api': {
    name: 'yolo-api',
    description: 'Object detection (YOLOv8-style ONNX, 80 COCO classes)',
    kind: 'api',
    port: 8001,
    pathPrefix: '/yoloapi',
    healthPath: '/yoloapi/readyz',
    livenessPath: '/yoloapi/healthz',
    imageRepository: 'yolo-api',
    albRulePriority: 10,
    workspaceDir: 'services/yolo-api',
    runtimeEnv: MODEL_SERVICE_RUNTIME_ENV,
  },
  'depth-api': {
    name: 'depth-api',
    description: 'Monocular depth estimation (Depth Anything V2 Small ONNX)',
    kind: 'api',
    port: 8002,
    pathPrefix: '/depthapi',
    healthPath: '/depthapi/readyz',
    livenessPath: '/depthapi/healthz',
    imageRepository: 'depth-api',
    albRulePriority: 20,
    workspaceDir: 'services/depth-api',
    runtimeEnv: MODEL_SERVICE_RUNTIME_ENV,
  },
  webapp: {
    name: 'webapp',
    description: 'React web UI (static build, SPA fallback)',
    kind: 'web',
    port: 8003,
    pathPrefix: null,
    healthPath: '/healthz',
    livenessPath: '/healthz',
    imageRepository: 'webapp',
    albRulePriority: null,
    workspaceDir: 'webapp',
    runtimeEnv: {},
  },
} as const satisfies Record<ServiceName, ServiceDefinition>);

export const SERVICE_NAMES = Object.freeze(Object.keys(SERVICES) as ServiceName[]);

export function getService(name: ServiceName): ServiceDefinition {
  return SERVICES[name];
}

export function listServices(): ServiceDefinition[] {
  return SERVICE_NAMES.map((name) => SERVICES[name]);
}

/** Services reached through a path prefix, in ALB rule-priority order. */
export function listApiServices(): ServiceDefinition[] {
  return listServices()
    .filter((s) => s.pathPrefix !== null)
    .sort((a, b) => (a.albRulePriority ?? 0) - (b.albRulePriority ?? 0));
}

/** The service behind the ALB's default action (the web UI). */
export function getDefaultService(): ServiceDefinition {
  const web = listServices().find((s) => s.pathPrefix === null);
  if (!web) throw new Error('catalogue has no default (prefix-less) service');
  return web;
}

/**
 * ALB path patterns for a prefixed service. ALB `path-pattern` is a glob over the
 * whole path: `/yoloapi/*` does not match the bare `/yoloapi`, so both are listed.
 */
export function albPathPatterns(service: ServiceDefinition): string[] {
  if (service.pathPrefix === null) return [];
  return [service.pathPrefix, `${service.pathPrefix}/*`];
}

/**
 * Which service an incoming path goes to, with exactly the ALB's semantics:
 * a prefixed service when the path is its prefix or starts with `prefix/`
 * (case-sensitive, like ALB path patterns), else the default service.
 */
export function routeForPath(path: string): ServiceDefinition {
  const pathname = path.split('?')[0] ?? path;
  for (const service of listApiServices()) {
    const prefix = service.pathPrefix!;
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return service;
  }
  return getDefaultService();
}

/** URL of a service on this host (local platform). Port can be overridden via env `<NAME>_PORT`. */
export function localServiceUrl(service: ServiceDefinition, env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${localServicePort(service, env)}`;
}

export function localServicePort(service: ServiceDefinition, env: NodeJS.ProcessEnv = process.env): number {
  const key = `${service.name.toUpperCase().replace(/-/g, '_')}_PORT`;
  const raw = env[key];
  if (raw === undefined || raw === '') return service.port;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${key} must be an integer port (0-65535), got "${raw}"`);
  }
  return port;
}
