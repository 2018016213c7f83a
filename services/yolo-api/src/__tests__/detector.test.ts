/**
 * The detector with the real model: the JSON path (`detect`) and the annotated path
 * (`detectWithImage`) feed the model the same pixels, so they answer the same boxes.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createYoloDetector, type YoloDetector } from '../domain/detector.ts';
import { MODEL_PATH, readSample } from './helpers.ts';

describe('createYoloDetector', () => {
  let detector: YoloDetector;
  let bus: Buffer;
  beforeAll(async () => {
    detector = await createYoloDetector({ modelPath: MODEL_PATH });
    bus = await readSample('bus.jpg');
  });
  afterAll(() => detector.dispose());

  it.each([
    ['a plain JPEG', async (b: Buffer) => b],
    ['a Display P3 JPEG (ICC profile)', (b: Buffer) => sharp(b).withIccProfile('p3').jpeg().toBuffer()],
    ['a 3240x4320 photo (shrink-on-load)', (b: Buffer) => sharp(b).resize(3240, 4320).jpeg().toBuffer()],
  ])('for %s, the annotated path answers the same detections as the JSON path', async (_, make) => {
    const image = await make(bus);

    const json = await detector.detect(image);
    const annotated = await detector.detectWithImage(image);

    expect(annotated.result.detections).toEqual(json.detections);
    expect(annotated.result.image).toEqual(json.image);
    expect([annotated.image.width, annotated.image.height]).toEqual([json.image.width, json.image.height]);
  });

  it('for a Display P3 JPEG, the image returned for drawing is colour-managed (close to the sRGB original)', async () => {
    const p3 = await sharp(bus).withIccProfile('p3').jpeg({ quality: 100 }).toBuffer();
    const original = await sharp(bus).raw().toBuffer();

    const { image } = await detector.detectWithImage(p3);

    let diff = 0;
    for (let i = 0; i < original.length; i++) diff += Math.abs(image.data[i]! - original[i]!);
    expect(diff / original.length).toBeLessThan(3);
  });
});
