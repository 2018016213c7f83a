import { describe, expect, it } from 'vitest';
import { buildAnnotationSvg } from '../annotate.ts';

describe('buildAnnotationSvg', () => {
  it('draws one box and one escaped label per detection at the image size', () => {
    const svg = buildAnnotationSvg(100, 50, [
      { classId: 1, label: 'a<b>&"c"', confidence: 0.5, box: { x1: 10, y1: 20, x2: 30, y2: 40 } },
    ]);
    expect(svg).toContain('width="100" height="50"');
    expect(svg).toContain('<rect x="10" y="20" width="20" height="20"');
    expect(svg).toContain('a&lt;b&gt;&amp;&quot;c&quot; 0.50');
    expect(svg).not.toContain('a<b>');
  });
});
