/** The `classes` option (ids or names) -> a set of class ids. */
import { apiError } from '@mlip/service-kit';

export function resolveClassFilter(
  classes: readonly (string | number)[] | undefined,
  classNames: readonly string[],
): Set<number> | undefined {
  if (!classes || classes.length === 0) return undefined;
  const ids = new Set<number>();
  for (const entry of classes) {
    const text = String(entry).trim();
    const asId = /^\d+$/.test(text) ? Number(text) : classNames.indexOf(text.toLowerCase());
    if (asId < 0 || asId >= classNames.length) {
      throw apiError(
        'INVALID_OPTION',
        `option "classes" has an unknown class "${text}" (ids 0-${classNames.length - 1} or names)`,
      );
    }
    ids.add(asId);
  }
  return ids;
}
