/**
 * Every URL the UI calls, built from the service catalogue's prefixes. Origin-relative on purpose:
 * the same build works behind the local gateway, the Vite dev proxy and the AWS load balancer.
 */
import { SERVICES } from '@mlip/catalogue';

const yolo = SERVICES['yolo-api'];
const depth = SERVICES['depth-api'];

export const apiPaths = {
  detect: `${yolo.pathPrefix}/v1/detect`,
  depth: `${depth.pathPrefix}/v1/depth`,
} as const;

export type MonitoredService = 'yolo-api' | 'depth-api';

export const monitoredServices: ReadonlyArray<{ name: MonitoredService; label: string; healthPath: string }> =
  [
    { name: yolo.name, label: 'Detection', healthPath: yolo.healthPath },
    { name: depth.name, label: 'Depth', healthPath: depth.healthPath },
  ];

export const samplePaths = [
  { name: 'bus.jpg', url: '/samples/bus.jpg', label: 'Bus in a street' },
  { name: 'zidane.jpg', url: '/samples/zidane.jpg', label: 'Two people talking' },
] as const;
