/** A loading line; <output> has the implicit `status` role, so screen readers announce it. */
export function Spinner({ label }: { label: string }) {
  return (
    <output className="spinner">
      <span className="spinner-icon" aria-hidden="true" />
      {label}
    </output>
  );
}
