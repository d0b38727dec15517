/** Just enough of OpenAPI 3.0 to check answers against the document the app serves. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
}

export interface OpenApiOperation {
  operationId?: string;
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: Array<Record<string, string[]>>;
  'x-alias-of'?: string;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
}

const refName = (ref: string) => ref.split('/').pop()!;

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
}

/**
 * Checks JSON answers against the document's schemas, strictly: a key the schema does not name
 * is a problem (unless it allows additional properties), so is a missing required key. It also
 * records every property it saw, so a test can ask which documented properties no answer had.
 */
export class SchemaChecker {
  private readonly seen = new Set<string>();
  private readonly visited = new Set<string>();

  constructor(private readonly doc: OpenApiDocument) {}

  /** The problems of `value` against `schema`; `pick` names the oneOf alternative meant. */
  check(value: unknown, schema: Schema, pick?: string): string[] {
    if (schema.oneOf) {
      const names = schema.oneOf.map((alternative) => refName(alternative.$ref ?? ''));
      if (!pick || !names.includes(pick)) return [`expected one of ${names.join(', ')} to be ${pick}`];
      return this.walk(value, { $ref: `#/components/schemas/${pick}` }, pick);
    }
    return this.walk(value, schema, 'answer');
  }

  private walk(value: unknown, schema: Schema, where: string): string[] {
    if (schema.$ref) {
      const name = refName(schema.$ref);
      this.visited.add(name);
      return this.walk(value, this.doc.components.schemas[name], name);
    }
    if (value === null) return schema.nullable ? [] : [`${where}: null, not documented as nullable`];
    if (schema.allOf) return schema.allOf.flatMap((part) => this.walk(value, part, where));
    if (schema.enum && !schema.enum.includes(value)) return [`${where}: ${JSON.stringify(value)} not in the enum`];
    const actual = typeOf(value);
    const expected = schema.type ?? (schema.properties ? 'object' : undefined);
    if (expected === 'array') {
      if (actual !== 'array') return [`${where}: ${actual}, documented as an array`];
      return (value as unknown[]).flatMap((item) => this.walk(item, schema.items ?? {}, `${where}[]`));
    }
    if (expected === 'object') return this.walkObject(value, schema, where);
    const fits = expected === undefined || expected === actual || (expected === 'number' && actual === 'integer');
    return fits ? [] : [`${where}: ${actual}, documented as ${expected}`];
  }

  private walkObject(value: unknown, schema: Schema, where: string): string[] {
    if (typeOf(value) !== 'object') return [`${where}: ${typeOf(value)}, documented as an object`];
    const record = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    const missing = (schema.required ?? []).filter((key) => !(key in record)).map((key) => `${where}.${key}: missing`);
    return [
      ...missing,
      ...Object.entries(record).flatMap(([key, item]) => {
        if (properties[key]) {
          this.seen.add(`${where}.${key}`);
          return this.walk(item, properties[key], `${where}.${key}`);
        }
        return schema.additionalProperties ? [] : [`${where}.${key}: answered but not documented`];
      }),
    ];
  }

  /** Documented properties of the schemas answers were checked against that no answer carried. */
  unseen(): string[] {
    return [...this.visited].flatMap((name) => this.propertyPaths(this.doc.components.schemas[name], name));
  }

  /** Schema names answers were checked against. */
  schemasVisited(): string[] {
    return [...this.visited].sort();
  }

  private propertyPaths(schema: Schema, where: string): string[] {
    if (schema.$ref || schema.allOf) return []; // a named schema: listed under its own name
    if (schema.items) return this.propertyPaths(schema.items, `${where}[]`);
    return Object.entries(schema.properties ?? {}).flatMap(([key, property]) => {
      const path = `${where}.${key}`;
      return [...(this.seen.has(path) ? [] : [path]), ...this.propertyPaths(property, path)];
    });
  }
}

/** The JSON schema of one documented answer, or undefined. */
export function answerSchema(doc: OpenApiDocument, path: string, method: string, status: number): Schema | undefined {
  return doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
}
