import { describe, expect, it } from 'vitest';
import {
  albPathPatterns,
  getDefaultService,
  listApiServices,
  listServices,
  localServicePort,
  routeForPath,
  SERVICES,
} from '../services.ts';

describe('service catalogue', () => {
  it('has unique ports, prefixes and image repositories', () => {
    const services = listServices();
    expect(new Set(services.map((s) => s.port)).size).toBe(services.length);
    expect(new Set(services.map((s) => s.imageRepository)).size).toBe(services.length);
    const prefixes = services.map((s) => s.pathPrefix).filter(Boolean);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('puts every api health path under its own prefix', () => {
    for (const s of listApiServices()) {
      expect(s.healthPath.startsWith(`${s.pathPrefix}/`)).toBe(true);
      expect(s.livenessPath.startsWith(`${s.pathPrefix}/`)).toBe(true);
    }
  });

  it('has exactly one default (web) service', () => {
    expect(listServices().filter((s) => s.pathPrefix === null)).toHaveLength(1);
    expect(getDefaultService().name).toBe('webapp');
  });

  it('lists both the bare prefix and the wildcard as ALB path patterns', () => {
    expect(albPathPatterns(SERVICES['yolo-api'])).toEqual(['/yoloapi', '/yoloapi/*']);
    expect(albPathPatterns(SERVICES.webapp)).toEqual([]);
  });
});

describe('routeForPath (ALB semantics)', () => {
  it.each([
    ['/yoloapi/v1/detect', 'yolo-api'],
    ['/yoloapi', 'yolo-api'],
    ['/yoloapi/readyz?x=1', 'yolo-api'],
    ['/depthapi/v1/depth', 'depth-api'],
    ['/', 'webapp'],
    ['/assets/index-abc.js', 'webapp'],
    ['/yoloapiX/v1', 'webapp'],
    ['/YOLOAPI/v1/detect', 'webapp'],
    ['/depth/v1', 'webapp'],
  ])('routes %s to %s', (path, expected) => {
    expect(routeForPath(path).name).toBe(expected);
  });
});

describe('localServicePort', () => {
  it('uses the catalogue port unless <NAME>_PORT overrides it', () => {
    expect(localServicePort(SERVICES['yolo-api'], {})).toBe(8001);
    expect(localServicePort(SERVICES['depth-api'], { DEPTH_API_PORT: '9002' })).toBe(9002);
  });

  it('rejects a non-numeric override naming the variable', () => {
    expect(() => localServicePort(SERVICES.webapp, { WEBAPP_PORT: 'abc' })).toThrow(/WEBAPP_PORT/);
  });
});
