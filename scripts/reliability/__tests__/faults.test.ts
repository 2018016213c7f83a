/**
 * Faults with real service processes and real models: SIGTERM under steady load (on the service
 * port), SIGKILL of one service under load through the gateway (and its restart), and a corrupt
 * or missing model file (through the gateway). What lifecycle.test.ts of each service already
 * covers in-process (one in-flight request on SIGTERM, missing/corrupt yolo model, missing depth
 * model) is not repeated. Figures go to artifacts/reliability-faults.json; docs/reliability-load.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ARTIFACTS_DIR,
  MODELS,
  SERVICES,
  type ServiceName,
  samplesDir,
  testModelsDir,
} from '@mlip/catalogue';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestModels } from '../../../services/depth-api/scripts/make-test-model.ts';
import { API_ROUTES } from '../../load/api-routes.ts';
import { type Platform, startPlatform } from '../../platform/start-platform.ts';
import { type CallBody, callHttp } from '../http-call.ts';
import { pollReadiness } from '../readiness-poll.ts';
import { nowMs, type SteadyAnswer, startSteadyLoad, tallyAnswers } from '../steady-load.ts';

const bus = readFileSync(join(samplesDir(), 'bus.jpg'));
const rawBus: CallBody = { kind: 'raw', bytes: bus, contentType: 'image/jpeg' };
const ROUTE: Record<'yolo-api' | 'depth-api', string> = {
  'yolo-api': API_ROUTES.detect,
  'depth-api': API_ROUTES.depth,
};
const SHUTDOWN_DEADLINE_MS = 10_000;
const figures: Record<string, unknown> = {};

afterAll(() => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(
    join(ARTIFACTS_DIR, 'reliability-faults.json'),
    `${JSON.stringify({ generatedAt: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const oks = (answers: readonly SteadyAnswer[]) => answers.filter((a) => a.status === 200);

function tallyLabels(labels: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

describe.each(['yolo-api', 'depth-api'] as const)('SIGTERM to %s under steady load', (service) => {
  it('readyz turns 503 at once, admitted requests finish 200, new ones get 503 then refused, exit 0 before the deadline', async () => {
    const platform = await startPlatform({
      gatewayPort: 0,
      services: [service],
      modelsDir: testModelsDir(),
      serviceEnv: {
        [service]: {
          SHUTDOWN_DEADLINE_MS: String(SHUTDOWN_DEADLINE_MS),
          MAX_CONCURRENCY: '1',
          MAX_QUEUE: '8',
        },
      },
      logLevel: 'error',
      buildWeb: false,
      waitReady: true,
      quiet: true,
    });
    try {
      const base = `http://127.0.0.1:${platform.servicePorts[service]}`;
      const epoch = performance.now();
      // Four well-behaved clients straight to the service port: they honour Retry-After and stop
      // once the connection is refused.
      const load = startSteadyLoad({
        url: `${base}${ROUTE[service]}`,
        body: rawBus,
        clients: 4,
        epoch,
        honourRetryAfter: true,
        stopWhenRefused: true,
      });
      await waitFor(() => oks(load.answers).length >= 4, 'steady load');

      const signalMs = nowMs(epoch);
      const exited = platform.killService(service, 'SIGTERM');
      const readiness = await pollReadiness({
        url: `${base}${SERVICES[service].healthPath}`,
        epoch,
        untilMs: signalMs + SHUTDOWN_DEADLINE_MS + 5_000,
      });
      await exited;
      const exitMs = nowMs(epoch);
      await Promise.race([load.finished, sleep(5_000)]);
      await load.stop();

      // Readiness: 200 at most until the inference holding the event loop ends, then 503
      // shutting-down on every poll, then connection refused once the listener has closed.
      const flip = readiness.findIndex((a) => a.status !== 200);
      const first503 = readiness[flip]!;
      expect(first503).toMatchObject({ status: 503, state: 'shutting-down' });
      const after = readiness.slice(flip);
      expect(after.filter((a) => a.status === 200)).toEqual([]);
      expect(after.filter((a) => a.networkError !== null && a.networkError !== 'ECONNREFUSED')).toEqual([]);
      expect(readiness.at(-1)!.networkError).toBe('ECONNREFUSED');
      const slotMs = Math.max(...oks(load.answers).map((a) => a.serverMs ?? 0));
      const flipMs = first503.endedMs - signalMs;
      expect(flipMs).toBeLessThanOrEqual(slotMs + 1_000);

      // Load: only 200, 503 SHUTTING_DOWN with Retry-After, and refused connections, the latter only
      // after readiness had said 503. No reset, no lost request.
      const answers = load.answers;
      const labels = Object.keys(tallyAnswers(answers));
      expect(labels.filter((l) => !['200', '503 SHUTTING_DOWN', 'network ECONNREFUSED'].includes(l))).toEqual(
        [],
      );
      expect(answers.filter((a) => a.code === 'SHUTTING_DOWN' && !a.retryAfter)).toEqual([]);
      const refused = answers.filter((a) => a.networkError === 'ECONNREFUSED');
      expect(refused.filter((a) => a.startedMs < first503.startedMs)).toEqual([]);
      const inFlightAtSignal = answers.filter((a) => a.startedMs < signalMs && a.endedMs > signalMs);
      const finishedAfterSignal = oks(answers).filter((a) => a.endedMs > signalMs);
      expect(finishedAfterSignal.length).toBeGreaterThanOrEqual(1);

      // Exit: code 0 (service-main exits 1 when the drain missed the deadline), before the deadline.
      expect(platform.status().services[service].reason).toBe('crashed (exited with code 0)');
      expect(exitMs - signalMs).toBeLessThan(SHUTDOWN_DEADLINE_MS);

      figures[`sigterm ${service}`] = {
        shutdownDeadlineMs: SHUTDOWN_DEADLINE_MS,
        readinessFlipMs: Math.round(flipMs),
        slotMsMax: Math.round(slotMs),
        inFlightAtSignal: inFlightAtSignal.length,
        answered200AfterSignal: finishedAfterSignal.length,
        lastAdmittedAnsweredMs: Math.round(Math.max(...finishedAfterSignal.map((a) => a.endedMs)) - signalMs),
        firstRefusedMs: refused.length
          ? Math.round(Math.min(...refused.map((a) => a.startedMs)) - signalMs)
          : null,
        exitMs: Math.round(exitMs - signalMs),
        answers: tallyAnswers(answers.filter((a) => a.endedMs > signalMs)),
        readinessPolls: tallyLabels(
          readiness.map((a) => (a.networkError ? `network ${a.networkError}` : `${a.status} ${a.state}`)),
        ),
      };
      console.log(`SIGTERM ${service}:`, JSON.stringify(figures[`sigterm ${service}`]));
    } finally {
      await platform.stop();
    }
  }, 120_000);
});

describe('a service killed under load through the gateway', () => {
  let platform: Platform;

  afterAll(async () => {
    await platform?.stop();
  });

  async function killAndRestart(victim: 'yolo-api' | 'depth-api', other: 'yolo-api' | 'depth-api') {
    platform ??= await startPlatform({
      gatewayPort: 0,
      services: ['yolo-api', 'depth-api'],
      modelsDir: testModelsDir(),
      logLevel: 'error',
      buildWeb: false,
      waitReady: true,
      quiet: true,
    });
    const epoch = performance.now();
    const victimLoad = startSteadyLoad({
      url: `${platform.url}${ROUTE[victim]}`,
      body: rawBus,
      clients: 2,
      epoch,
      pauseAfterErrorMs: 20,
    });
    const otherLoad = startSteadyLoad({
      url: `${platform.url}${ROUTE[other]}`,
      body: rawBus,
      clients: 2,
      epoch,
    });
    try {
      await waitFor(
        () => oks(victimLoad.answers).length >= 2 && oks(otherLoad.answers).length >= 2,
        'steady load',
      );

      const killMs = nowMs(epoch);
      await platform.killService(victim, 'SIGKILL');
      const probe = await callHttp(`${platform.url}${SERVICES[victim].healthPath}`, {
        dispatcher: new Agent(),
        timeoutMs: 5_000,
      });
      await sleep(2_000); // the outage
      const restartMs = nowMs(epoch);
      await platform.startService(victim);
      await platform.waitReady(victim, 90_000);
      const readyMs = nowMs(epoch);
      await waitFor(
        () => oks(victimLoad.answers).some((a) => a.startedMs > readyMs),
        `${victim} answering through the gateway again`,
      );
      await sleep(500);
      await Promise.all([victimLoad.stop(), otherLoad.stop()]);

      // The gateway answered the victim's routes at once, in JSON, with 502 (in flight when it died,
      // or connection refused) or 503 (the runner knows it is down, or the model is loading again).
      expect(probe.status).toBe(503);
      expect(probe.code).toBe('SERVICE_UNAVAILABLE');
      const outage = victimLoad.answers.filter((a) => a.endedMs > killMs && a.startedMs < readyMs);
      const errors = outage.filter((a) => a.status !== 200);
      expect(errors.length).toBeGreaterThan(0);
      const allowed = ['502 UPSTREAM_UNAVAILABLE', '503 SERVICE_UNAVAILABLE', '503 MODEL_NOT_READY'];
      // Only a request in flight at the kill may end without a JSON answer: when the service died
      // while its response was being streamed, the gateway can only cut it (as an ALB does).
      const sentAfterKill = errors.filter((a) => a.startedMs >= killMs);
      expect(sentAfterKill.filter((a) => !allowed.includes(a.label))).toEqual([]);
      expect(errors.filter((a) => a.startedMs < killMs && a.status === null).length).toBeLessThanOrEqual(1);
      const firstErrorMs = Math.min(...errors.map((a) => a.endedMs)) - killMs;
      expect(firstErrorMs).toBeLessThan(1_000);
      // The other service did not notice.
      const otherDuring = otherLoad.answers.filter((a) => a.startedMs > killMs && a.endedMs < readyMs);
      expect(otherDuring.length).toBeGreaterThan(0);
      expect(otherLoad.answers.filter((a) => a.status !== 200)).toEqual([]);
      // Routing recovered: everything sent after readiness came back is a 200.
      const recovered = victimLoad.answers.filter((a) => a.startedMs > readyMs);
      expect(recovered.length).toBeGreaterThan(0);
      expect(recovered.filter((a) => a.status !== 200)).toEqual([]);

      const firstOkAfterRestart = Math.min(
        ...oks(victimLoad.answers.filter((a) => a.startedMs > restartMs)).map((a) => a.endedMs),
      );
      figures[`kill ${victim}`] = {
        timeToFirstErrorMs: Math.round(firstErrorMs),
        outageAnswers: tallyAnswers(outage),
        otherServiceAnswersDuringOutage: tallyAnswers(otherDuring),
        restartToReadyMs: Math.round(readyMs - restartMs),
        restartToFirst200ViaGatewayMs: Math.round(firstOkAfterRestart - restartMs),
        afterRecovery: tallyAnswers(recovered),
      };
      console.log(`kill ${victim}:`, JSON.stringify(figures[`kill ${victim}`]));
    } finally {
      await Promise.all([victimLoad.stop(), otherLoad.stop()]);
    }
  }

  it('when yolo-api is SIGKILLed, its routes answer JSON 502/503 within a second, depth-api keeps answering 200, and detect works again once restarted', async () => {
    await killAndRestart('yolo-api', 'depth-api');
  }, 150_000);

  it('when depth-api is SIGKILLed, the same holds the other way round', async () => {
    await killAndRestart('depth-api', 'yolo-api');
  }, 150_000);
});

/** Model files for the services: a truncated copy (an interrupted download), or none at all. */
function badModels(kind: 'corrupt' | 'missing'): {
  dir: string;
  paths: Record<ServiceName & ('yolo-api' | 'depth-api'), string>;
} {
  const dir = mkdtempSync(join(tmpdir(), `reliability-${kind}-model-`));
  const yolo = join(dir, MODELS.yolo.file);
  const depth = join(dir, MODELS.depth.file);
  if (kind === 'corrupt') {
    const real = readFileSync(join(testModelsDir(), MODELS.yolo.file));
    writeFileSync(yolo, real.subarray(0, real.length >> 1));
    const generated = readFileSync(makeTestModels(join(dir, 'generated')).dynamic);
    writeFileSync(depth, generated.subarray(0, generated.length >> 1));
  }
  return { dir, paths: { 'yolo-api': yolo, 'depth-api': depth } };
}

describe.each(['corrupt', 'missing'] as const)('with a %s model file, through the gateway', (kind) => {
  it('both services start, stay not-ready with the reason in JSON, and answer inference 503 MODEL_NOT_READY, never 500', async () => {
    const models = badModels(kind);
    const platform = await startPlatform({
      gatewayPort: 0,
      services: ['yolo-api', 'depth-api'],
      env: { YOLO_API_MODEL_PATH: models.paths['yolo-api'], DEPTH_API_MODEL_PATH: models.paths['depth-api'] },
      logLevel: 'error',
      buildWeb: false,
      quiet: true,
    });
    const dispatcher = new Agent({ connections: 4 });
    try {
      for (const service of ['yolo-api', 'depth-api'] as const) {
        const readyUrl = `${platform.url}${SERVICES[service].healthPath}`;
        let ready = await callHttp(readyUrl, { dispatcher, timeoutMs: 5_000 });
        const until = performance.now() + 60_000;
        // Until the process listens (gateway 503 SERVICE_UNAVAILABLE) and has tried its model.
        while (
          ready.code === 'SERVICE_UNAVAILABLE' ||
          (ready.json as { reason?: string }).reason === 'model loading'
        ) {
          if (performance.now() > until) throw new Error(`${service} never reported on its model`);
          await sleep(100);
          ready = await callHttp(readyUrl, { dispatcher, timeoutMs: 5_000 });
        }
        const body = ready.json as { status: string; reason: string };
        expect(ready.status).toBe(503);
        expect(body.status).toBe('not-ready');
        expect(body.reason).toContain(models.paths[service]);

        const prefix = SERVICES[service].pathPrefix;
        expect(
          (await callHttp(`${platform.url}${prefix}/healthz`, { dispatcher, timeoutMs: 5_000 })).status,
        ).toBe(200);
        const route = `${platform.url}${ROUTE[service]}`;
        const attempts: { what: string; body: CallBody; url: string }[] = [
          { what: 'raw image', body: rawBus, url: route },
          {
            what: 'multipart',
            body: {
              kind: 'form',
              image: { bytes: bus, contentType: 'image/jpeg', name: 'bus.jpg' },
              fields: {},
            },
            url: route,
          },
          { what: 'model info', body: { kind: 'none' }, url: `${platform.url}${prefix}/v1/model` },
        ];
        if (service === 'yolo-api') {
          attempts.push({
            what: 'predict_json',
            body: {
              kind: 'raw',
              bytes: Buffer.from(
                JSON.stringify({
                  req_id: '1',
                  image_id: '1',
                  coco_url: 'http://images.cocodataset.org/val2017/000000000139.jpg',
                }),
              ),
              contentType: 'application/json',
            },
            url: `${platform.url}${API_ROUTES.predictJson}`,
          });
        }
        for (const attempt of attempts) {
          const res = await callHttp(attempt.url, { body: attempt.body, dispatcher, timeoutMs: 10_000 });
          expect({
            what: attempt.what,
            status: res.status,
            code: res.code,
            retryAfter: Boolean(res.retryAfter),
          }).toEqual({
            what: attempt.what,
            status: 503,
            code: 'MODEL_NOT_READY',
            retryAfter: true,
          });
        }
        // The runner's own view follows at its next readiness probe (every 5 s once running).
        await waitFor(
          () => platform.status().services[service].reason === body.reason,
          'runner status',
          15_000,
        );
        expect(platform.status().services[service]).toMatchObject({
          state: 'running',
          ready: false,
          reason: body.reason,
        });
        figures[`${kind} model ${service}`] = {
          readyz: body,
          inference: '503 MODEL_NOT_READY with Retry-After',
        };
      }
    } finally {
      await dispatcher.close();
      await platform.stop();
      rmSync(models.dir, { recursive: true, force: true });
    }
  }, 120_000);
});
