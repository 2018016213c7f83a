import { describe, expect, it } from 'vitest';
import { ConfigError, ENVIRONMENTS, getEnvironment, resolveConfig } from '../index.ts';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('platform config', () => {
  it('when an environment states nothing, every key takes its default', () => {
    const config = resolveConfig({ environment: 'dev' });
    expect(config).toMatchObject({
      namePrefix: 'mlip-dev',
      region: 'us-east-1',
      network: { azCount: 2, instanceSubnets: 'public' },
      cluster: { instanceType: 'c6i.xlarge', minInstances: 1, maxInstances: 4 },
      loadBalancer: { certificateArn: null, deregistrationDelaySeconds: 30 },
      scaling: { memoryHighPercent: 70, memoryLowPercent: 30, cpuLowPercent: 20 },
    });
    expect(config.services['yolo-api'].cpuTargetPercent).toBe(60);
    expect(config.services['depth-api'].cpuTargetPercent).toBe(60);
    expect(config.services.webapp.cpuTargetPercent).toBeNull();
    expect(config.services['depth-api']).toMatchObject({
      cpu: 2048,
      memoryMiB: 3072,
      minTasks: 1,
      maxTasks: 4,
    });
  });

  it('each shipped environment resolves and validates', () => {
    for (const name of Object.keys(ENVIRONMENTS))
      expect(() => resolveConfig(getEnvironment(name))).not.toThrow();
    expect(resolveConfig(getEnvironment('prod')).network.instanceSubnets).toBe('private');
  });

  it('when PLATFORM_ENV names an unknown environment, says which exist', () => {
    expect(() => getEnvironment('staging')).toThrow(
      /PLATFORM_ENV="staging" is not an environment \(known: dev, prod\)/,
    );
  });

  it('when several keys are invalid, names every bad key in one error', () => {
    const problems = problemsOf(() =>
      resolveConfig({
        environment: 'dev',
        network: { azCount: 1, vpcCidr: '10.0.0.0/8' },
        services: { 'yolo-api': { minTasks: 3, maxTasks: 2 } },
        scaling: { memoryHighPercent: 40, memoryLowPercent: 50 },
        loadBalancer: { allowedCidrs: ['not-a-cidr'], certificateArn: 'arn:nope' },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^network\.azCount: must be an integer in 2\.\.6, got 1/),
        expect.stringMatching(/^network\.vpcCidr: /),
        expect.stringMatching(/^services\.yolo-api\.maxTasks: must be >= services\.yolo-api\.minTasks \(3\)/),
        expect.stringMatching(/^scaling\.memoryLowPercent: must be below scaling\.memoryHighPercent/),
        expect.stringMatching(/^loadBalancer\.allowedCidrs\[0\]: is not an IPv4 CIDR/),
        expect.stringMatching(/^loadBalancer\.certificateArn: /),
      ]),
    );
  });

  it('when scale-in CPU mark is not below a service’s CPU tracking target, says the two would fight', () => {
    const problems = problemsOf(() =>
      resolveConfig({
        environment: 'dev',
        services: { 'depth-api': { cpuTargetPercent: 40 } },
        scaling: { cpuLowPercent: 40 },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^scaling\.cpuLowPercent: must be below services\.depth-api\.cpuTargetPercent \(40\), or scale-in and CPU tracking fight; got 40/,
      ),
    ]);
    expect(problemsOf(() => resolveConfig({ environment: 'dev', scaling: { cpuLowPercent: 0 } }))).toEqual([
      expect.stringMatching(/^scaling\.cpuLowPercent: must be an integer in 1\.\.99, got 0/),
    ]);
  });

  it('when a service is not in the catalogue or overrides a catalogue-owned variable, rejects it', () => {
    const problems = problemsOf(() =>
      resolveConfig({
        environment: 'dev',
        services: { 'yolo-api': { environment: { PORT: '9000' } }, ['nope' as 'webapp']: { cpu: 256 } },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\.nope: is not a catalogue service/),
        expect.stringMatching(/^services\.yolo-api\.environment\.PORT: is set by infra-tf/),
      ]),
    );
  });

  it('when a webhook is asked for a non-GitHub source or the S3 location is not a zip, rejects it', () => {
    const problems = problemsOf(() =>
      resolveConfig({
        environment: 'dev',
        ci: { source: { type: 'S3', location: 'bucket-only', webhook: true } },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ci\.source\.location: must be <bucket>\/<key>\.zip/),
        expect.stringMatching(/^ci\.source\.webhook: is only supported for GITHUB/),
      ]),
    );
  });
});
