export interface TimingColumn {
  request: string;
  timings: Record<string, number>;
}

const STAGES = [
  ['decodeMs', 'decode'],
  ['preprocessMs', 'preprocess'],
  ['inferenceMs', 'inference'],
  ['postprocessMs', 'postprocess'],
  ['encodeMs', 'encode'],
  ['totalMs', 'total'],
] as const;

/** Server-side stage timings, one column per request, in milliseconds. */
export function TimingsTable({ columns }: { columns: TimingColumn[] }) {
  const stages = STAGES.filter(([key]) => columns.some((c) => c.timings[key] !== undefined));
  return (
    <table className="timings" data-testid="timings">
      <caption>Timings (ms)</caption>
      <thead>
        <tr>
          <th scope="col">stage</th>
          {columns.map((c) => (
            <th key={c.request} scope="col">
              {c.request}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {stages.map(([key, label]) => (
          <tr key={key}>
            <th scope="row">{label}</th>
            {columns.map((c) => (
              <td key={c.request}>{c.timings[key] === undefined ? '–' : c.timings[key].toFixed(1)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
