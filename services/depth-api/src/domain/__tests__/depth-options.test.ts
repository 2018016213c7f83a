import { ApiError } from '@mlip/service-kit';
import { describe, expect, it } from 'vitest';
import { parseDepthOptions } from '../depth-options.ts';

const detection = { classId: 5, label: 'bus', confidence: 0.87, box: { x1: 17, y1: 230, x2: 801, y2: 768 } };

describe('parseDepthOptions', () => {
  it('when no option is given, defaults to json and inferno without objects', () => {
    expect(parseDepthOptions({})).toEqual({ format: 'json', colormap: 'inferno' });
  });

  it('when boxes is JSON text of detections, returns box objects in the submitted order', () => {
    const options = parseDepthOptions({
      format: 'png',
      colormap: 'turbo',
      boxes: JSON.stringify([detection]),
    });
    expect(options).toEqual({ format: 'png', colormap: 'turbo', objects: [{ kind: 'box', ...detection }] });
  });

  it('when boxes is a whole yolo-api response, uses its detections', () => {
    const response = { requestId: 'x', image: { width: 810, height: 1080 }, detections: [detection] };
    expect(parseDepthOptions({ boxes: response }).objects).toEqual([{ kind: 'box', ...detection }]);
  });

  it('when boxes and points are both given, lists boxes first, then points', () => {
    const options = parseDepthOptions({ boxes: [detection], points: '[{"x":1,"y":2,"label":"p"}]' });
    expect(options.objects?.map((o) => o.kind)).toEqual(['box', 'point']);
    expect(options.objects?.[1]).toEqual({ kind: 'point', point: { x: 1, y: 2 }, label: 'p' });
  });

  it.each([
    ['format', { format: 'jpeg' }, /must be one of json, png, png16, raw/],
    ['colormap', { colormap: 'jet' }, /must be one of inferno/],
    ['boxes', { boxes: '[{"box":' }, /is not valid JSON/],
    ['boxes', { boxes: [{ box: { x1: 5, y1: 0, x2: 1, y2: 1 } }] }, /is invalid at 0.box/],
    ['points', { points: [{ x: 'a', y: 1 }] }, /is invalid at 0.x/],
  ])('when %s is wrong (%j), throws a 400 INVALID_OPTION naming it', (option, raw, message) => {
    let error: unknown;
    try {
      parseDepthOptions(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', status: 400 });
    expect((error as Error).message).toContain(`"${option}"`);
    expect((error as Error).message).toMatch(message);
  });

  it('when more than 1000 boxes and points are given in all, throws INVALID_OPTION', () => {
    const points = Array.from({ length: 600 }, () => ({ x: 1, y: 1 }));
    expect(() => parseDepthOptions({ boxes: points.map(() => detection), points })).toThrow(/at most 1000/);
  });
});
