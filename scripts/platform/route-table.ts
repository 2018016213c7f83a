/**
 * The catalogue's `routeForPath()` compiled once into a table, so the gateway's hot path does no
 * filtering, sorting or splitting per request. Same semantics (ALB path patterns `/prefix` and
 * `/prefix/*`, case-sensitive, query string ignored); `route-table.test.ts` checks it against
 * `routeForPath()` on many paths.
 */
import { getDefaultService, listApiServices, type ServiceName } from '@mlip/catalogue';

export type RouteFn = (url: string) => ServiceName;

export function compileRouteTable(): RouteFn {
  const prefixed = listApiServices().map((s) => ({
    name: s.name,
    prefix: s.pathPrefix!,
    prefixSlash: `${s.pathPrefix!}/`,
  }));
  const fallback = getDefaultService().name;
  return (url) => {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    for (const route of prefixed) {
      if (path === route.prefix || path.startsWith(route.prefixSlash)) return route.name;
    }
    return fallback;
  };
}
