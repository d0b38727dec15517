import {
  GUARDS_METADATA,
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  INTERCEPTORS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  REDIRECT_METADATA,
  RENDER_METADATA,
  SSE_METADATA,
} from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { RevalidatedKind } from '../common/revalidation';
import { REVALIDATED } from '../common/revalidation.interceptor';
import { RouteAccess, routeAccess } from './access-decision';

/** A GET route the revalidation lane may answer, read from Nest's own metadata. */
export interface RevalidatedRoute {
  kind: RevalidatedKind;
  access: RouteAccess;
  /** Controller.method, for tests and messages. */
  name: string;
}

/**
 * Route metadata that changes how Nest answers before or around the revalidation interceptor
 * (another guard or interceptor, a status code, headers, a redirect or a template): routes with
 * any of it are left to Nest, since the lane would answer differently.
 */
const HANDLER_EXTRAS = [
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  REDIRECT_METADATA,
  RENDER_METADATA,
  SSE_METADATA,
];
const CONTROLLER_EXTRAS = [GUARDS_METADATA, INTERCEPTORS_METADATA];

/** A route path as Express keeps it, spelled one way: leading slash, no doubled or trailing ones. */
export function normalizedRoutePath(path: string): string {
  const joined = ('/' + path).replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function pathsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : '/'];
}

/**
 * Every GET route by its path as registered with Express, with what the lane needs when it is
 * @Revalidated(), @Public()-free and free of extras; `null` for any other GET route (including a
 * path two handlers share), so the lane knows to leave it to Nest.
 */
export function revalidatedRoutes(
  modules: ModulesContainer,
  reflector: Reflector,
): Map<string, RevalidatedRoute | null> {
  const routes = new Map<string, RevalidatedRoute | null>();
  const scanner = new MetadataScanner();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method] as object;
        if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
        const route = laneRoute(reflector, handler as () => unknown, controller, `${controller.name}.${method}`);
        for (const base of pathsOf(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const own of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
            const path = normalizedRoutePath(`${base}/${own}`);
            routes.set(path, routes.has(path) ? null : route);
          }
        }
      }
    }
  }
  return routes;
}

function laneRoute(
  reflector: Reflector,
  handler: () => unknown,
  controller: object,
  name: string,
): RevalidatedRoute | null {
  const kind = reflector.get<RevalidatedKind | undefined, string>(REVALIDATED, handler);
  if (kind === undefined) return null;
  const access = routeAccess(reflector, handler, controller);
  if (access.isPublic) return null;
  const extra =
    HANDLER_EXTRAS.some((key) => Reflect.hasMetadata(key, handler)) ||
    CONTROLLER_EXTRAS.some((key) => Reflect.hasMetadata(key, controller));
  return extra ? null : { kind, access, name };
}
