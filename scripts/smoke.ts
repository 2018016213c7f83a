/**
 * Smoke test of a deployed platform, through the load balancer: readiness of every service,
 * one detection, one depth estimate and the web UI (index and a deep link). Stops at the first
 * failure and says which check failed and why.
 *
 * Usage:
 *   pnpm smoke [--url <base-url> | --env <env>] [--image <file>] [--wait <seconds>] [--timeout <seconds>]
 *
 *   --url        platform base URL, e.g. http://mlip-dev-alb-123.eu-west-1.elb.amazonaws.com
 *   --env        environment whose stack outputs hold the URL (default: dev; used without --url)
 *   --stack-dir  synthesized stack directory (default: infra-tf/cdktf.out/stacks/<matching env>)
 *   --image      image to send (default: ../shared/data/samples/bus.jpg, else a generated PNG)
 *   --wait       keep retrying the readiness checks this long (default 0: one try); new tasks
 *                need a minute or two to load their models after a deploy
 *   --timeout    per-request timeout (default 60)
 *
 * Examples:
 *   pnpm smoke --env dev --wait 300
 *   pnpm smoke --url http://127.0.0.1:8080
 *
 * Exit codes: 0 every check passed, 1 a check failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { getService, listServices, type ServiceDefinition } from '@mlip/catalogue';
import { runCli } from './delivery/lib/run-cli.ts';
import { loadSampleImage, type SampleImage } from './delivery/lib/sample-image.ts';
import {
  findStackDir,
  PLATFORM_URL_OUTPUT,
  pickOutput,
  readOutputs,
} from './delivery/lib/terraform-outputs.ts';

export interface SmokeArgs {
  url: string | undefined;
  env: string;
  stackDir: string | undefined;
  image: string | undefined;
  waitS: number;
  timeoutS: number;
  help: boolean;
}

const USAGE =
  'usage: pnpm smoke [--url <base-url> | --env <env>] [--image <file>] [--wait <s>] [--timeout <s>]';

class CheckFailed extends Error {}

function seconds(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number of seconds, got "${raw}"`);
  return n;
}

export function parseSmokeArgs(argv: string[]): SmokeArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      env: { type: 'string', default: 'dev' },
      'stack-dir': { type: 'string' },
      image: { type: 'string' },
      wait: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.url !== undefined && !/^https?:\/\/[^/]+/.test(values.url)) {
    throw new Error(`--url must be an http(s) URL, got "${values.url}"`);
  }
  return {
    url: values.url?.replace(/\/+$/, ''),
    env: values.env ?? 'dev',
    stackDir: values['stack-dir'],
    image: values.image,
    waitS: seconds(values.wait, 'wait', 0),
    timeoutS: seconds(values.timeout, 'timeout', 60),
    help: values.help ?? false,
  };
}

async function request(url: string, init: RequestInit, timeoutS: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutS * 1000), redirect: 'follow' });
  } catch (err) {
    const cause =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new CheckFailed(`${init.method ?? 'GET'} ${url}: no response (${cause})`);
  }
}

async function expectStatus(res: Response, url: string, status: number): Promise<void> {
  if (res.status === status) return;
  const body = (await res.text().catch(() => '')).slice(0, 300);
  throw new CheckFailed(`${url}: HTTP ${res.status}, expected ${status}${body ? `: ${body}` : ''}`);
}

async function checkReady(base: string, service: ServiceDefinition, args: SmokeArgs): Promise<void> {
  const url = `${base}${service.healthPath}`;
  const deadline = Date.now() + args.waitS * 1000;
  for (;;) {
    try {
      const res = await request(url, {}, args.timeoutS);
      await expectStatus(res, url, 200);
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      process.stdout.write(`  ${service.name} not ready yet (${(err as Error).message}); retrying\n`);
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
}

async function postImage(url: string, image: SampleImage, args: SmokeArgs): Promise<Record<string, unknown>> {
  const res = await request(
    url,
    {
      method: 'POST',
      headers: { 'content-type': image.contentType, accept: 'application/json' },
      body: image.bytes,
    },
    args.timeoutS,
  );
  await expectStatus(res, url, 200);
  try {
    return (await res.json()) as Record<string, unknown>;
  } catch {
    throw new CheckFailed(`${url}: answered 200 but not JSON`);
  }
}

async function checkDetection(base: string, image: SampleImage, args: SmokeArgs): Promise<string> {
  const url = `${base}${getService('yolo-api').pathPrefix}/v1/detect`;
  const body = await postImage(url, image, args);
  if (!Array.isArray(body.detections)) throw new CheckFailed(`${url}: response has no "detections" array`);
  const labels = (body.detections as { label?: string }[]).map((d) => d.label).filter(Boolean);
  return `${labels.length} detection(s)${labels.length ? `: ${[...new Set(labels)].slice(0, 5).join(', ')}` : ''}`;
}

async function checkDepth(base: string, image: SampleImage, args: SmokeArgs): Promise<string> {
  const url = `${base}${getService('depth-api').pathPrefix}/v1/depth?format=json`;
  const body = await postImage(url, image, args);
  const depthMap = body.depthMap as { base64?: string; width?: number; height?: number } | undefined;
  if (!depthMap?.base64) throw new CheckFailed(`${url}: response has no "depthMap.base64"`);
  return `depth map ${depthMap.width}x${depthMap.height}`;
}

async function checkWebPage(base: string, path: string, args: SmokeArgs): Promise<void> {
  const url = `${base}${path}`;
  const res = await request(url, { headers: { accept: 'text/html' } }, args.timeoutS);
  await expectStatus(res, url, 200);
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (!type.includes('text/html') || !/<html/i.test(text)) {
    throw new CheckFailed(`${url}: expected the web UI's index.html, got ${type || 'no content type'}`);
  }
}

function resolveBaseUrl(args: SmokeArgs): string {
  if (args.url) return args.url;
  const stackDir = findStackDir(args.env, args.stackDir);
  process.stdout.write(`reading the platform URL from the outputs of ${stackDir}\n`);
  return pickOutput(readOutputs(stackDir), PLATFORM_URL_OUTPUT, 'platform URL').replace(/\/+$/, '');
}

export async function smoke(args: SmokeArgs): Promise<void> {
  const base = resolveBaseUrl(args);
  const image = loadSampleImage(args.image);
  process.stdout.write(`smoke test of ${base} (image: ${image.source})\n`);
  const step = async (title: string, fn: () => Promise<unknown>) => {
    const detail = await fn();
    process.stdout.write(`ok   ${title}${typeof detail === 'string' ? ` (${detail})` : ''}\n`);
  };
  for (const service of listServices()) {
    await step(`${service.name} ready: GET ${service.healthPath}`, () => checkReady(base, service, args));
  }
  await step('detection: POST /yoloapi/v1/detect', () => checkDetection(base, image, args));
  await step('depth: POST /depthapi/v1/depth', () => checkDepth(base, image, args));
  await step('web UI: GET /', () => checkWebPage(base, '/', args));
  await step('web UI deep link: GET /smoke/deep/link', () => checkWebPage(base, '/smoke/deep/link', args));
}

const cli = {
  usage: USAGE,
  parse: parseSmokeArgs,
  run: async (args: SmokeArgs) => {
    await smoke(args);
    process.stdout.write('smoke: all checks passed\n');
    return 0;
  },
  failPrefix: 'FAIL smoke: ',
};

if (process.argv[1]?.endsWith('smoke.ts')) process.exit(await runCli(cli, process.argv.slice(2)));
