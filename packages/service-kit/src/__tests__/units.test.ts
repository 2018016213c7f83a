import { SERVICES } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdmissionController } from '../admission.ts';
import { ConfigError, commonConfigKeys, configKey, describeConfig, loadConfig } from '../config.ts';
import { ApiError } from '../errors.ts';
import { decodeBase64Image } from '../image-input.ts';
import { executionProviderFor } from '../onnx-session.ts';
import { booleanOption, enumOption, jsonOption, listOption, numberOption, parseOptions } from '../options.ts';
import { deferred } from './helpers.ts';

describe('config', () => {
  const keys = {
    ...commonConfigKeys(SERVICES['yolo-api']),
    extra: configKey('EXTRA', z.coerce.number().default(3), 'x'),
  };

  it('with an empty environment, uses the catalogue port and documented defaults', () => {
    const config = loadConfig(keys, {});
    expect(config.port).toBe(8001);
    expect(config.bodyLimitBytes).toBe(10 * 1024 * 1024);
    expect(config.shutdownDeadlineMs).toBe(25_000);
    expect(config.urlAllowlist).toEqual([]);
    expect(config.ortExecutionProvider).toBe('cpu');
    expect(config.extra).toBe(3);
  });

  it('parses the allowlist as trimmed lower-case hosts', () => {
    expect(
      loadConfig(keys, { URL_ALLOWLIST: ' Images.CocoDataset.org, *.example.com ,' }).urlAllowlist,
    ).toEqual(['images.cocodataset.org', '*.example.com']);
  });

  it('parses URL_TRUSTED_ADDRESSES as addresses and CIDRs, and refuses host names or bad prefixes', () => {
    expect(loadConfig(keys, {}).urlTrustedAddresses).toEqual([]);
    expect(
      loadConfig(keys, { URL_TRUSTED_ADDRESSES: ' 10.20.0.0/16, 127.0.0.2 ,fd00::/8' }).urlTrustedAddresses,
    ).toEqual(['10.20.0.0/16', '127.0.0.2', 'fd00::/8']);
    for (const bad of ['images.internal', '10.0.0.0/33', '10.0.0.300']) {
      expect(() => loadConfig(keys, { URL_TRUSTED_ADDRESSES: bad })).toThrow(/URL_TRUSTED_ADDRESSES/);
    }
  });

  it('names every bad key at once', () => {
    try {
      loadConfig(keys, { PORT: '70000', LOG_LEVEL: 'loud', URL_ALLOWLIST: 'http://x/' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/LOG_LEVEL/);
      expect(problems).toMatch(/URL_ALLOWLIST/);
    }
  });

  it('describeConfig lists env var, default and meaning for the docs', () => {
    const rows = describeConfig(keys);
    expect(rows.find((r) => r.env === 'PORT')).toMatchObject({ default: '8001' });
    expect(rows.find((r) => r.env === 'MODEL_PATH')).toMatchObject({ default: '(none)' });
  });

  it('an unknown device names the valid values', () => {
    expect(() => executionProviderFor('tpu')).toThrow(/cpu, cuda, tensorrt/);
  });
});

describe('options', () => {
  const spec = {
    confidence: numberOption({ min: 0, max: 1, default: 0.25 }),
    max: numberOption({ min: 1, max: 10, integer: true, default: 5 }),
    format: enumOption(['json', 'png'] as const, 'json'),
    annotate: booleanOption(),
    classes: listOption(),
    boxes: jsonOption(z.array(z.object({ x: z.number() }))),
  };

  it('parses strings from the query and JSON values alike', () => {
    expect(
      parseOptions(spec, { confidence: '0.5', max: 3, annotate: '1', classes: 'bus, 0', boxes: '[{"x":1}]' }),
    ).toEqual({
      confidence: 0.5,
      max: 3,
      format: 'json',
      annotate: true,
      classes: ['bus', '0'],
      boxes: [{ x: 1 }],
    });
    expect(parseOptions(spec, { classes: [0, 'person'], boxes: [{ x: 2 }] }).classes).toEqual([0, 'person']);
  });

  it.each([
    [{ confidence: '1.5' }, 'confidence'],
    [{ confidence: 'abc' }, 'confidence'],
    [{ max: '2.5' }, 'max'],
    [{ format: 'gif' }, 'format'],
    [{ annotate: 'maybe' }, 'annotate'],
    [{ boxes: '[{' }, 'boxes'],
    [{ boxes: [{ x: 'a' }] }, 'boxes'],
  ])('rejects %o with INVALID_OPTION naming %s', (raw, name) => {
    try {
      parseOptions(spec, raw);
      expect.unreachable();
    } catch (error) {
      expect((error as ApiError).code).toBe('INVALID_OPTION');
      expect((error as ApiError).message).toContain(`"${name}"`);
    }
  });
});

describe('strict base64', () => {
  it('accepts plain base64, URL-safe base64 and data: URLs', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x10, 0xfe]);
    expect(decodeBase64Image(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(decodeBase64Image(bytes.toString('base64url')).equals(bytes)).toBe(true);
    expect(decodeBase64Image(`data:image/jpeg;base64,${bytes.toString('base64')}`).equals(bytes)).toBe(true);
  });

  it.each([
    'not base64!!',
    'abc=d',
    '####',
    'data:image/png,rawtext',
  ])('rejects %s with INVALID_BASE64', (text) => {
    expect(() => decodeBase64Image(text)).toThrow(expect.objectContaining({ code: 'INVALID_BASE64' }));
  });
});

describe('admission control', () => {
  it('runs at most maxConcurrent, queues FIFO, refuses beyond the queue and drains', async () => {
    const admission = new AdmissionController({ maxConcurrent: 1, maxQueue: 2, queueTimeoutMs: 5_000 });
    const gate = deferred();
    const order: number[] = [];
    const jobs = [1, 2, 3].map((n) =>
      admission.run(async () => {
        if (n === 1) await gate.promise;
        order.push(n);
      }),
    );
    expect(admission.state).toEqual({ running: 1, queued: 2 });
    await expect(admission.run(async () => {})).rejects.toMatchObject({ code: 'OVERLOADED' });
    const drained = admission.drain();
    gate.resolve();
    await Promise.all(jobs);
    await drained;
    expect(order).toEqual([1, 2, 3]);
    expect(admission.state).toEqual({ running: 0, queued: 0 });
  });

  it('a request that waits longer than queueTimeoutMs gets OVERLOADED and leaves the queue', async () => {
    const admission = new AdmissionController({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 50 });
    const gate = deferred();
    const first = admission.run(() => gate.promise);
    const waiting = admission.run(async () => 'never');
    await expect(waiting).rejects.toBeInstanceOf(ApiError);
    expect(admission.state).toEqual({ running: 1, queued: 0 });
    gate.resolve();
    await first;
  });
});
