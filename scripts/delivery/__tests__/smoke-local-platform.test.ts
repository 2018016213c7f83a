/**
 * scripts/smoke.ts against the real local platform (scripts/platform/start-platform.ts: the
 * three services behind the ALB-like gateway, depth-api on its generated stand-in model):
 * the same checks a user runs after a deploy, passing end to end.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, samplesDir } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../lib/run-script.ts';
import { startPlatform } from '../../platform/start-platform.ts';

type Platform = Awaited<ReturnType<typeof startPlatform>>;

const ENTRIES = ['services/yolo-api/src/main.ts', 'services/depth-api/src/main.ts', 'webapp/server/main.ts'];
const missing = ENTRIES.filter((e) => !existsSync(join(REPO_ROOT, e)));

describe.skipIf(missing.length > 0)(
  'scripts/smoke.ts against the local platform',
  { timeout: 180_000 },
  () => {
    let platform: Platform | undefined;

    beforeAll(async () => {
      platform = await startPlatform({
        gatewayPort: 0,
        waitReady: true,
        quiet: true,
        readyTimeoutMs: 150_000,
      });
    }, 200_000);

    afterAll(async () => {
      await platform?.stop();
    });

    it('when every service runs behind the gateway, passes readiness, detection, depth and web UI checks', async () => {
      const image = join(samplesDir(), 'bus.jpg');
      const res = await runScript('scripts/smoke.ts', [
        '--url',
        platform!.url,
        ...(existsSync(image) ? ['--image', image] : []),
        '--timeout',
        '60',
      ]);
      expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
      expect(res.stdout.match(/^ok {3}/gm)).toHaveLength(7);
      expect(res.stdout).toContain('smoke: all checks passed');
      if (existsSync(image)) expect(res.stdout).toMatch(/ok {3}detection: .*bus/);
    });
  },
);
