import { describeError } from '@/lib/error-messages.ts';

export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  return (
    <div role="alert" className="error-message" data-testid="error-message">
      {title && <strong>{title}: </strong>}
      {describeError(error)}
    </div>
  );
}
