/**
 * Custom metadata of an ONNX file (`ModelProto.metadata_props`, field 14). onnxruntime-node does not
 * expose it, so a tiny protobuf reader walks the top-level fields and skips everything else
 * (the graph, field 7, is skipped without being parsed).
 */
import { readFile } from 'node:fs/promises';

const METADATA_PROPS_FIELD = 14;

function readVarint(buf: Buffer, pos: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let p = pos;
  for (;;) {
    if (p >= buf.length) throw new Error('truncated varint');
    const byte = buf[p++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, p];
    shift += 7;
    if (shift > 63) throw new Error('varint too long');
  }
}

/** Calls `onField` for each field of one protobuf message; length-delimited values come as subarrays. */
function walkMessage(buf: Buffer, onField: (field: number, value: Buffer | number) => void): void {
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    pos = afterKey;
    switch (wireType) {
      case 0: {
        const [value, next] = readVarint(buf, pos);
        onField(field, value);
        pos = next;
        break;
      }
      case 1:
        pos += 8;
        break;
      case 2: {
        const [length, next] = readVarint(buf, pos);
        if (next + length > buf.length) throw new Error('truncated field');
        onField(field, buf.subarray(next, next + length));
        pos = next + length;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${wireType}`);
    }
  }
}

/** `metadata_props` of an ONNX model as a plain object. */
export function parseOnnxMetadata(model: Buffer): Record<string, string> {
  const props: Record<string, string> = {};
  walkMessage(model, (field, value) => {
    if (field !== METADATA_PROPS_FIELD || typeof value === 'number') return;
    let key = '';
    let text = '';
    walkMessage(value, (f, v) => {
      if (typeof v === 'number') return;
      if (f === 1) key = v.toString('utf8');
      else if (f === 2) text = v.toString('utf8');
    });
    if (key) props[key] = text;
  });
  return props;
}

export async function readOnnxMetadata(path: string): Promise<Record<string, string>> {
  return parseOnnxMetadata(await readFile(path));
}
