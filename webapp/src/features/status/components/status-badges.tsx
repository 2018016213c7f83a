import { useQuery } from '@tanstack/react-query';
import { monitoredServices } from '@/config/paths.ts';
import { readinessQueryOptions } from '../api/get-readiness.ts';

function StatusBadge({ label, healthPath }: { label: string; healthPath: string }) {
  const { data } = useQuery(readinessQueryOptions(healthPath));
  const state = data?.state ?? 'checking';
  const text = { ready: 'ready', 'not-ready': 'not ready', down: 'down', checking: 'checking…' }[state];
  const title = data && data.state !== 'ready' ? data.reason : undefined;
  return (
    <li
      className={`status-badge status-${state}`}
      data-testid={`status-${label.toLowerCase()}`}
      title={title}
    >
      <span className="status-dot" aria-hidden="true" />
      {label}: {text}
    </li>
  );
}

/** One badge per API service, polling its readiness path from the catalogue. */
export function StatusBadges() {
  return (
    <ul className="status-badges" aria-label="Service status" aria-live="polite">
      {monitoredServices.map((s) => (
        <StatusBadge key={s.name} label={s.label} healthPath={s.healthPath} />
      ))}
    </ul>
  );
}
