import request from 'supertest';
import type { TestApp } from './test-app';

/** One operation of the app's OpenAPI document (/docs-json), which Nest builds from the controllers. */
export interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete' | 'put';
  /** The path template, e.g. /api/users/{id}. */
  template: string;
  pathParams: string[];
  queryParams: string[];
  /** The request body's schema name (e.g. CreateModelDto), or null without a body. */
  bodySchema: string | null;
  bodyProperties: string[];
  requiredProperties: string[];
}

interface Parameter {
  in: string;
  name: string;
}
interface RawOperation {
  parameters?: Parameter[];
  /** Set on the /api/v1 copies of /api operations. */
  'x-alias-of'?: string;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
}
interface Schema {
  properties?: Record<string, unknown>;
  required?: string[];
}
interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

function toOperation(doc: Document, template: string, method: string, raw: RawOperation): Operation {
  const names = (where: string) => (raw.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
  const ref = raw.requestBody?.content['application/json']?.schema.$ref ?? null;
  const bodySchema = ref ? ref.split('/').pop()! : null;
  const schema = bodySchema ? doc.components.schemas[bodySchema] : undefined;
  return {
    method: method as Operation['method'],
    template,
    pathParams: names('path'),
    queryParams: names('query'),
    bodySchema,
    bodyProperties: Object.keys(schema?.properties ?? {}),
    requiredProperties: schema?.required ?? [],
  };
}

/**
 * Every operation the app documents, read from the running app, without the /api/v1 aliases:
 * they reach the same handlers (route-guard.e2e.spec.ts calls each alias).
 */
export async function openApiOperations(t: TestApp): Promise<Operation[]> {
  const res = await request(t.server).get('/docs-json').expect(200);
  const doc = res.body as Document;
  return Object.entries(doc.paths).flatMap(([template, operations]) =>
    Object.entries(operations)
      .filter(([, raw]) => raw['x-alias-of'] === undefined)
      .map(([method, raw]) => toOperation(doc, template, method, raw)),
  );
}

/** The path with each {param} replaced by `values[param]` (as given: callers encode what they mean to). */
export function fillPath(op: Operation, values: Record<string, string>): string {
  return op.template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? values.default);
}

export const label = (op: Operation) => `${op.method.toUpperCase()} ${op.template}`;
