/**
 * Every route the application registers, with its declared permission (spec app.md §3.1). Recorded
 * by a root-level onRoute hook so tests can walk the whole table — routes of every group — and prove
 * that no mutating `/api` route is open to callers who lack its permission.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { AuthRouteConfig, Permission } from '../auth/permissions.js';

export interface RouteRecord {
  method: string;
  url: string;
  permission: Permission | undefined;
  config: AuthRouteConfig;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteRecord[];
  }
}

/** Call on the root instance before the routes it should see are registered. */
export function recordRouteTable(app: FastifyInstance): void {
  const table: RouteRecord[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route: RouteOptions) => {
    const config: AuthRouteConfig = route.config ?? {};
    for (const method of [route.method].flat()) {
      table.push({ method, url: route.url, permission: config.permission, config });
    }
  });
}
