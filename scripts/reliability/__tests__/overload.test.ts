/**
 * Overload through the gateway of a real platform (yolo-api with the real YOLOv8n model, depth-api
 * with the real model when at hand, else the generated stand-in): for each target the saturation
 * rate is measured, then an open-loop burst at 4x that rate runs for 30 s. Figures go to
 * artifacts/reliability-overload.json; the method and the bounds are in docs/reliability-load.md.
 */
import { testModelsDir } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../platform/start-platform.ts';
import {
  buildOverloadReport,
  DEFAULT_OVERLOAD_SETTINGS,
  defaultOverloadImages,
  type OverloadResult,
  type OverloadSettings,
  RSS_CEILING_MIB,
  RSS_GROWTH_CEILING_MIB,
  runOverloadTarget,
  startOverloadPlatform,
} from '../overload.ts';
import { writeOverloadReport } from '../overload-report.ts';
import type { OverloadTarget } from '../overload-requests.ts';

const settings: OverloadSettings = {
  ...DEFAULT_OVERLOAD_SETTINGS,
  // The 30 s at 4x; a shorter saturation ladder keeps the file near 2.5 minutes.
  saturationSecondsPerStep: 4,
  images: defaultOverloadImages(),
};

describe('overload at 4x the saturation rate through the gateway', () => {
  let platform: Platform;
  const results: OverloadResult[] = [];

  beforeAll(async () => {
    platform = await startOverloadPlatform({ modelsDir: testModelsDir() });
  });

  afterAll(async () => {
    if (results.length > 0) writeOverloadReport(buildOverloadReport(settings, results));
    await platform?.stop();
  });

  async function burst(target: OverloadTarget): Promise<OverloadResult> {
    const result = await runOverloadTarget(platform, target, settings, (line) => console.log(line));
    results.push(result);
    return result;
  }

  function expectBoundedOverload(result: OverloadResult): void {
    const { burst: b } = result;
    // The arrivals really were open-loop at the planned rate for the whole burst.
    expect(b.delayedByCap).toBe(0);
    expect(b.sent).toBeGreaterThanOrEqual(Math.floor(0.95 * b.rps * settings.burstSeconds));
    // Every request got an answer, and every answer is a 200 or a 503 OVERLOADED with Retry-After:
    // no reset, no socket error, no timeout, no 500/502.
    expect(b.failures).toEqual({});
    expect(b.ok + b.shed).toBe(b.sent);
    expect(b.ok).toBeGreaterThan(0);
    expect(b.shed).toBeGreaterThan(0);
    // Accepted requests wait at most what the queue limits allow (formula in overload.ts).
    expect(result.acceptedLatencyMs!.p99).toBeLessThanOrEqual(result.bound.allowedMs);
    // Still healthy to a load balancer while shedding: every readyz probe answered 200 (each had
    // twice the ALB's 5 s health-check timeout; the CLI reports the latency against the 5 s).
    for (const r of result.readinessDuringBurst) {
      expect(r.probes).toBeGreaterThan(0);
      expect(r.answers).toEqual({ '200': r.probes });
    }
    for (const m of result.memory) {
      expect(m.samples).toBeGreaterThan(0);
      expect(m.peakMiB!).toBeLessThanOrEqual(RSS_CEILING_MIB);
      expect(m.peakMiB! - m.beforeMiB!).toBeLessThanOrEqual(RSS_GROWTH_CEILING_MIB);
      expect(m.afterMiB!).toBeLessThanOrEqual(RSS_CEILING_MIB);
    }
    expect(result.after).toMatchObject({ ready: true, answeredNormally: true });
  }

  it('yolo-api: every detect is answered 200 or 503 OVERLOADED with Retry-After, p99 and RSS bounded, ready after', async () => {
    expectBoundedOverload(await burst('yolo-api'));
  }, 180_000);

  it('depth-api: every depth request is answered 200 or 503 OVERLOADED with Retry-After, p99 and RSS bounded, ready after', async () => {
    expectBoundedOverload(await burst('depth-api'));
  }, 180_000);

  it('the web UI flow (detect, then depth with the boxes): same guarantees across both services', async () => {
    expectBoundedOverload(await burst('flow'));
  }, 180_000);
});
