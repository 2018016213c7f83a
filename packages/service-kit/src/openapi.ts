/** Minimal OpenAPI 3.1 builder: each route registers its operation; `/openapi.json` serves the document. */

export type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  summary: string;
  description?: string;
  parameters?: Record<string, unknown>[];
  requestBody?: Record<string, unknown>;
  responses?: Record<string, Record<string, unknown>>;
  tags?: string[];
}

export class OpenApiBuilder {
  private readonly paths: Record<string, Record<string, unknown>> = {};
  private readonly schemas: Record<string, JsonSchema> = {};

  constructor(private readonly info: { title: string; version: string; description?: string }) {}

  addOperation(method: string, path: string, operation: OpenApiOperation): void {
    const item = this.paths[path] ?? {};
    item[method.toLowerCase()] = {
      ...operation,
      responses: operation.responses ?? { '200': { description: 'OK' } },
    };
    this.paths[path] = item;
  }

  addSchema(name: string, schema: JsonSchema): void {
    this.schemas[name] = schema;
  }

  document(): Record<string, unknown> {
    return {
      openapi: '3.1.0',
      info: this.info,
      paths: this.paths,
      components: { schemas: this.schemas },
    };
  }
}

export const ERROR_RESPONSE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } },
    },
  },
};

/** `{ description, content: application/json $ref Error }` for the listed statuses. */
export function errorResponses(...statuses: number[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const status of statuses) {
    out[String(status)] = {
      description: 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}
