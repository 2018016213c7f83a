import { join } from 'node:path';
import { MODELS, testModelsDir } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';
import { parseOnnxMetadata, readOnnxMetadata } from '../onnx-metadata.ts';

/** Protobuf bytes: field 14 (metadata_props) entries, plus an unrelated varint and bytes field. */
function modelWithProps(props: Record<string, string>): Buffer {
  const lenDelimited = (field: number, payload: Buffer) => {
    if (payload.length > 127) throw new Error('test helper only writes short fields');
    return Buffer.concat([Buffer.from([(field << 3) | 2, payload.length]), payload]);
  };
  const parts: Buffer[] = [Buffer.from([0x08, 0x09]), lenDelimited(2, Buffer.from('pytorch'))];
  for (const [k, v] of Object.entries(props)) {
    parts.push(
      Buffer.concat([
        Buffer.from([(14 << 3) | 2]),
        (() => {
          const entry = Buffer.concat([lenDelimited(1, Buffer.from(k)), lenDelimited(2, Buffer.from(v))]);
          return Buffer.concat([Buffer.from([entry.length]), entry]);
        })(),
      ]),
    );
  }
  return Buffer.concat(parts);
}

describe('ONNX metadata_props reader', () => {
  it('reads key/value entries and skips other fields', () => {
    expect(parseOnnxMetadata(modelWithProps({ names: "{0: 'cat'}", stride: '32' }))).toEqual({
      names: "{0: 'cat'}",
      stride: '32',
    });
  });

  it('reads the Ultralytics names of the real yolov8n model', async () => {
    const meta = await readOnnxMetadata(join(testModelsDir(), MODELS.yolo.file));
    expect(meta.names).toMatch(/^\{0: 'person', 1: 'bicycle'/);
    expect(meta.task).toBe('detect');
  });

  it('throws on truncated protobuf instead of returning garbage', () => {
    expect(() => parseOnnxMetadata(Buffer.from([0x72, 0x20, 0x01]))).toThrow(/truncated/);
  });
});
