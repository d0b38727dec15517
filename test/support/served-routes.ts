import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../../src/common/decorators';
import type { TestApp } from './test-app';

/** A handler Nest routes to; `path` as declared, e.g. /api/users/:id. */
export interface NestRoute {
  method: string;
  path: string;
  isPublic: boolean;
  handler: string;
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  return typeof value === 'string' ? [value] : [''];
}

function joinPath(...parts: string[]): string {
  return ('/' + parts.filter((part) => part && part !== '/').join('/')).replace(/\/+/g, '/');
}

/** Every handler Nest routes to, read from the running app, so routes added later are walked too. */
export function nestRoutes(t: TestApp): NestRoute[] {
  const discovery = new DiscoveryService(t.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  return discovery.getControllers().flatMap((wrapper) => {
    const controller = wrapper.metatype as new (...args: never[]) => object;
    const prototype = Object.getPrototypeOf(wrapper.instance) as Record<string, (...args: never[]) => unknown>;
    return scanner.getAllMethodNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return [];
      const isPublic = reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true;
      const verb = method === RequestMethod.ALL ? 'get' : RequestMethod[method].toLowerCase();
      return asList(Reflect.getMetadata(PATH_METADATA, controller)).flatMap((base) =>
        asList(Reflect.getMetadata(PATH_METADATA, handler)).map((path) => ({
          method: verb,
          path: joinPath(base, path),
          isPublic,
          handler: `${controller.name}.${name}`,
        })),
      );
    });
  });
}

/** Every route Express serves, including ones registered outside Nest controllers (Swagger's). */
export function expressRoutes(t: TestApp): Array<{ method: string; path: string }> {
  const express = t.app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  return express.router.stack.flatMap((layer) =>
    Object.keys(layer.route?.methods ?? {}).map((method) => ({ method, path: layer.route!.path })),
  );
}
