/** The readiness table and the URLs `npm start` prints once the services have settled. */
import { getService, listServices, type ServiceName } from '@mlip/catalogue';
import { type Color, paint } from '../lib/log.ts';
import type { PlatformStatus, ServiceReport } from './start-platform.ts';

export function formatSummary(status: PlatformStatus, publicHost = 'localhost'): string {
  const base = `http://${publicHost}:${status.gateway.port}`;
  const rows = listServices().map((s) => status.services[s.name]);
  const lines = ['', paint('bold', '  service    state        port   model / reason')];
  for (const row of rows)
    lines.push(`  ${row.name.padEnd(10)} ${stateCell(row)} ${String(row.port).padEnd(6)} ${detail(row)}`);
  for (const row of rows) {
    if (row.model?.origin === 'test-model') {
      lines.push(
        '',
        paint(
          'red',
          `  !! ${row.name} answers come from a generated TEST model, not the real one: results are synthetic.`,
        ),
        paint(
          'red',
          '  !! Put the real model into MODELS_DIR (pnpm models:fetch) and restart; see docs/local-platform.md.',
        ),
      );
    }
  }
  lines.push('', paint('bold', `  Gateway on ${base} (routes like the AWS load balancer):`));
  lines.push(`  web UI      ${base}/`);
  for (const name of ['yolo-api', 'depth-api'] as ServiceName[]) {
    const prefix = getService(name).pathPrefix;
    lines.push(
      `  ${name.padEnd(10)}  ${base}${prefix}/  (readiness ${base}${getService(name).healthPath}, API ${base}${prefix}/openapi.json)`,
    );
  }
  lines.push(`  status      ${base}/__platform/status`);
  lines.push(
    '',
    `  try: curl -F image=@../shared/data/samples/bus.jpg ${base}/yoloapi/v1/detect`,
    '  Ctrl-C stops everything.',
    '',
  );
  return lines.join('\n');
}

function stateCell(row: ServiceReport): string {
  const [text, color]: [string, Color] = row.ready
    ? ['ready', 'green']
    : row.state === 'running'
      ? ['not ready', 'yellow']
      : row.state === 'absent' || row.state === 'not-selected'
        ? [row.state, 'grey']
        : [row.state, 'red'];
  return paint(color, text.padEnd(12));
}

function detail(row: ServiceReport): string {
  const model = row.model
    ? `${row.model.path}${row.model.origin === 'test-model' ? ' (TEST MODEL)' : ''}`
    : '';
  const reason = row.ready ? '' : (row.reason ?? '');
  return [model, reason].filter(Boolean).join(' — ');
}
