/** The accuracy table: mAP per set (original and transformed) with the delta to the original. */

export interface SetScore {
  split: string;
  /** `original` or a transform name. */
  set: string;
  description: string;
  images: number;
  map50: number;
  map5095: number;
}

export interface AccuracyRow extends SetScore {
  deltaMap50: number;
  deltaMap5095: number;
  /** The requirement: neither mAP drops by more than `maxDrop` versus the original. */
  pass: boolean;
}

export const MAX_MAP_DROP = 0.02;

export function compareToOriginal(scores: readonly SetScore[], maxDrop = MAX_MAP_DROP): AccuracyRow[] {
  return scores.map((score) => {
    const original = scores.find((s) => s.split === score.split && s.set === 'original');
    if (!original) throw new Error(`no original score for ${score.split}`);
    const deltaMap50 = score.map50 - original.map50;
    const deltaMap5095 = score.map5095 - original.map5095;
    // A tiny epsilon so that float noise in an equal score never reads as a drop.
    return {
      ...score,
      deltaMap50,
      deltaMap5095,
      pass: deltaMap50 >= -maxDrop - 1e-9 && deltaMap5095 >= -maxDrop - 1e-9,
    };
  });
}

export function renderAccuracyMarkdown(rows: readonly AccuracyRow[], header: string): string {
  const f3 = (v: number) => v.toFixed(3);
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;
  const lines = [
    header,
    '',
    '| split | set | images | mAP@0.5 | Δ | mAP@0.5:0.95 | Δ | drop ≤ 0.02 |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.split} | ${r.set}: ${r.description} | ${r.images} | ${f3(r.map50)} | ${r.set === 'original' ? '' : signed(r.deltaMap50)} | ${f3(r.map5095)} | ${r.set === 'original' ? '' : signed(r.deltaMap5095)} | ${r.set === 'original' ? '' : r.pass ? 'PASS' : '**FAIL**'} |`,
    ),
  ];
  return lines.join('\n');
}
