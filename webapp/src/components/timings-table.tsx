export interface TimingRow {
  request: string;
  timings: Record<string, number>;
}

const STAGES = ['decodeMs', 'preprocessMs', 'inferenceMs', 'postprocessMs', 'encodeMs', 'totalMs'] as const;
const STAGE_LABELS: Record<(typeof STAGES)[number], string> = {
  decodeMs: 'decode',
  preprocessMs: 'preprocess',
  inferenceMs: 'inference',
  postprocessMs: 'postprocess',
  encodeMs: 'encode',
  totalMs: 'total',
};

/** Server-side stage timings per request, in milliseconds. */
export function TimingsTable({ rows }: { rows: TimingRow[] }) {
  return (
    <div className="table-scroll">
      <table className="timings">
        <caption>Timings (ms)</caption>
        <thead>
          <tr>
            <th scope="col">request</th>
            {STAGES.map((s) => (
              <th key={s} scope="col">
                {STAGE_LABELS[s]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.request}>
              <th scope="row">{row.request}</th>
              {STAGES.map((s) => (
                <td key={s}>{row.timings[s] === undefined ? '–' : row.timings[s].toFixed(1)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
