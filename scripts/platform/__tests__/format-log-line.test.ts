import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../format-log-line.ts';

const probes = new Set(['/yoloapi/readyz', '/yoloapi/healthz']);

describe('formatLogLine', () => {
  it('when the line is a pino JSON record, shows level, message and the other fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: 't',
      service: 'yolo-api',
      msg: 'model ready',
      loadMs: 92,
    });
    expect(formatLogLine(line, probes)).toBe('info  model ready loadMs=92');
  });

  it('when the line is the access log of a successful readiness probe, hides it', () => {
    const line = JSON.stringify({ level: 30, msg: 'request', url: '/yoloapi/readyz', status: 200 });
    expect(formatLogLine(line, probes)).toBeNull();
  });

  it('when a readiness probe fails, still shows it', () => {
    const line = JSON.stringify({ level: 30, msg: 'request', url: '/yoloapi/readyz', status: 503 });
    expect(formatLogLine(line, probes)).toBe('info  request url=/yoloapi/readyz status=503');
  });

  it('when the line is not JSON, passes it through unchanged', () => {
    expect(formatLogLine('{ not json', probes)).toBe('{ not json');
    expect(formatLogLine('plain text', probes)).toBe('plain text');
  });
});
