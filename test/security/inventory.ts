// The app's routes, read from its routers (not a hand-kept list), so that a new route is attacked automatically.
import type express from 'express';

export interface RouteInfo {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** Names of the path parameters, in order. */
  params: string[];
}

interface Layer {
  name?: string;
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function walk(stack: Layer[], prefix: string, out: RouteInfo[]) {
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const path = `${prefix}${layer.route.path}`.replace(/\/+/g, '/');
        out.push({
          method: method as RouteInfo['method'],
          path,
          params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
        });
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, `${prefix}${mount}`, out);
    }
  }
}

export function routesOf(app: express.Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out);
  // The same route can be registered twice (e.g. GET for HEAD); keep one.
  return out.filter((r, i) => out.findIndex((o) => o.method === r.method && o.path === r.path) === i);
}

/** The path with every parameter replaced (an `.csv` suffix after a parameter is kept). */
export function fill(path: string, value: (param: string) => string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(value(name)));
}
