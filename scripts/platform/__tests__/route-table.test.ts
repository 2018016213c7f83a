import { routeForPath } from '@mlip/catalogue';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRouteTable } from '../route-table.ts';

describe('compiled route table', () => {
  const route = compileRouteTable();

  it('for hand-picked edge paths, picks the same service as the catalogue routeForPath()', () => {
    const paths = [
      '/',
      '',
      '/yoloapi',
      '/yoloapi/',
      '/yoloapi?x=1',
      '/yoloapi/v1/detect?a=/depthapi/',
      '/yoloapix',
      '/Yoloapi/v1',
      '/depthapi',
      '/depthapi/v1/depth',
      '/depthapi%2Fv1',
      '/index.html?next=/yoloapi/x',
      '//yoloapi/x',
    ];
    for (const path of paths) expect(route(path), path).toBe(routeForPath(path).name);
  });

  it('for random paths built from prefix fragments, always agrees with routeForPath()', () => {
    const segment = fc.constantFrom(
      'yoloapi',
      'depthapi',
      'YOLOAPI',
      'x',
      '',
      'yoloapi?',
      'v1',
      'depthapi?q=/yoloapi',
    );
    const path = fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
    fc.assert(
      fc.property(fc.oneof(path, fc.string()), (p) => route(p) === routeForPath(p).name),
      { numRuns: 2000 },
    );
  });
});
