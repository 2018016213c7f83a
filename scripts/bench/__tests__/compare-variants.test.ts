import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';
import {
  type CompareResult,
  materializeSource,
  parseVariantSpec,
  renderCompareMarkdown,
} from '../compare-variants.ts';

describe('parseVariantSpec', () => {
  it('reads NAME=SOURCE with settings after commas', () => {
    expect(parseVariantSpec('mc1=.,MAX_CONCURRENCY=1,ORT_ALLOW_SPINNING=0')).toEqual({
      label: 'mc1',
      source: '.',
      env: { MAX_CONCURRENCY: '1', ORT_ALLOW_SPINNING: '0' },
    });
    expect(parseVariantSpec('before=git:e3773bb')).toEqual({
      label: 'before',
      source: 'git:e3773bb',
      env: {},
    });
  });

  it.each(['noequals', '=.', 'x=', 'x=.,NOTAPAIR'])('when given "%s", throws a usage message', (text) => {
    expect(() => parseVariantSpec(text)).toThrow(/--variant/);
  });
});

describe('materializeSource', () => {
  it('when given git:HEAD, exports the code with working dependency links, and removes it afterwards', () => {
    const tree = materializeSource('git:HEAD', REPO_ROOT);
    try {
      expect(existsSync(join(tree.dir, 'services', 'yolo-api', 'src', 'main.ts'))).toBe(true);
      const kit = join(tree.dir, 'services', 'yolo-api', 'node_modules', '@mlip', 'service-kit');
      expect(realpathSync(kit)).toBe(realpathSync(join(tree.dir, 'packages', 'service-kit')));
      expect(
        existsSync(join(tree.dir, 'services', 'yolo-api', 'node_modules', 'sharp', 'package.json')),
      ).toBe(true);
    } finally {
      tree.cleanup();
    }
    expect(existsSync(tree.dir)).toBe(false);
  });

  it('when given a directory, uses it as it is', () => {
    expect(materializeSource('.', REPO_ROOT).dir).toBe(REPO_ROOT);
  });
});

describe('renderCompareMarkdown', () => {
  it('shows each variant with its ratios, the latency rule and the paired difference', () => {
    const result: CompareResult = {
      startedAt: '2026-01-01T00:00:00.000Z',
      loadAverage: [1, 2, 3],
      images: 2,
      variants: [
        { label: 'before', source: 'git:abc', env: {} },
        { label: 'after', source: '.', env: { MAX_CONCURRENCY: '2' } },
      ],
      latency: {
        rawP50Ms: 100,
        variants: [
          {
            label: 'before',
            p50Ms: 130,
            ratio: 1.3,
            pass: false,
            stagesP50: { decodeMs: 20 },
            outsideServerP50Ms: 6,
            pairedVsFirstMs: 0,
          },
          {
            label: 'after',
            p50Ms: 115,
            ratio: 1.15,
            pass: true,
            stagesP50: { decodeMs: 10 },
            outsideServerP50Ms: 5,
            pairedVsFirstMs: -14,
          },
        ],
      },
      throughput: {
        concurrency: 3,
        rawRunsPerSecond: 10,
        variants: [
          { label: 'before', requestsPerSecond: 7, ratio: 0.7, blocks: [7, 7] },
          { label: 'after', requestsPerSecond: 9.5, ratio: 0.95, blocks: [9, 10] },
        ],
      },
    };

    const md = renderCompareMarkdown(result);

    expect(md).toContain('after = `.` with `MAX_CONCURRENCY=2`');
    expect(md).toContain('| before | 130.0 | 1.300 | FAIL | 20.0 |');
    expect(md).toContain('| after | 115.0 | 1.150 | PASS | 10.0 |');
    expect(md).toContain('| -14.0 |');
    expect(md).toContain('| after | 9.50 | 0.950 | 9.00, 10.00 |');
  });
});
