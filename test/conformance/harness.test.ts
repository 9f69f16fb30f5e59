import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { createCortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { Conformance, type Exchange, expectConforms } from './conformance.js';
import type { Deviation } from './deviations.js';
import { VendorDocument } from './openapi.js';

/*
 * The conformance harness judged on documents written here, so each rule of the conversion
 * (./openapi.ts) and of the deviation list (./deviations.ts) is shown to refuse what it must, and
 * against two simulators told to break their contract, so the vendor suites cannot pass a broken one.
 */

const OPENAPI = {
  openapi: '3.0.3',
  servers: [{ url: 'https://api.example.com/base' }],
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          '4XX': { $ref: '#/components/responses/Problem' },
        },
      },
      delete: { responses: { '204': { description: 'gone' }, default: { $ref: '#/components/responses/Problem' } } },
    },
    '/things/special': {
      get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { special: { type: 'boolean' } } } } } } } },
    },
  },
  components: {
    responses: { Problem: { description: 'problem', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'kind'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          kind: { $ref: '#/components/schemas/Kind' },
          note: { type: 'string', nullable: true },
          color: { type: 'string', enum: ['red', 'blue'], nullable: true },
          owner: { $ref: '#/components/schemas/Owner', nullable: true },
          size: { type: 'integer', minimum: 0, exclusiveMinimum: true },
          secret: { type: 'string', writeOnly: true },
          pet: { $ref: '#/components/schemas/Pet' },
          shape: { oneOf: [{ $ref: '#/components/schemas/Circle' }, { $ref: '#/components/schemas/Square' }] },
          extras: { type: 'object', additionalProperties: true },
        },
        example: { id: 'x' },
        'x-internal': true,
      },
      Kind: { type: 'string', enum: ['a', 'b'] },
      Owner: { type: 'object', properties: { name: { type: 'string' } } },
      Pet: { oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }], discriminator: { propertyName: 'petType', mapping: { cat: '#/components/schemas/Cat' } } },
      Cat: { type: 'object', properties: { petType: { type: 'string', enum: ['cat'] }, meows: { type: 'boolean' } } },
      Dog: { type: 'object', properties: { petType: { type: 'string', enum: ['dog'] }, barks: { type: 'boolean' } } },
      Circle: { type: 'object', required: ['form'], properties: { form: { type: 'string', enum: ['circle'] }, radius: { type: 'number' } } },
      Square: { type: 'object', required: ['form'], properties: { form: { type: 'string', enum: ['square'] }, side: { type: 'number' } } },
      Problem: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
      // Only requests use it: never converted, so its unknown keyword cannot stop the document.
      RequestOnly: { type: 'object', 'unknown-keyword': 1 },
    },
  },
};

const SWAGGER = {
  swagger: '2.0',
  basePath: '/v1',
  produces: ['application/json'],
  paths: { '/items/{slug}': { get: { responses: { '200': { schema: { $ref: '#/definitions/Item' } }, default: { schema: { $ref: '#/definitions/anyError' } } } } } },
  definitions: {
    Item: { type: 'object', properties: { slug: { type: 'string' }, updated_at: { type: 'string', format: 'date-time', 'x-nullable': true } } },
    anyError: { type: 'object', additionalProperties: true },
  },
};

const JSON_TYPE = new Headers({ 'content-type': 'application/json' });
const VALID = { id: '0b6f3c1e-5a2d-4e8f-9c71-3d4a5b6c7e80', kind: 'a', note: null, color: null, owner: null, size: 1, pet: { petType: 'cat', meows: true }, shape: { form: 'circle', radius: 2 } };

function judge(check: Conformance, method: string, path: string, status: number, body: unknown, headers = JSON_TYPE): Exchange {
  return check.judge(method, path, status, headers, body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
}

function issues(exchange: Exchange): string[] {
  return exchange.issues.map((issue) => `${issue.kind} ${issue.path}${issue.keyword ? ` ${issue.keyword}` : ''}`);
}

describe('OpenAPI 3.0 schemas, converted', () => {
  const check = new Conformance('example', () => 'http://127.0.0.1', { documents: [new VendorDocument('example.yaml', OPENAPI)], deviations: [] });
  const thing = (body: unknown): string[] => issues(judge(check, 'GET', '/base/things/abc', 200, body));

  it('accepts a body that follows the document, nulls where `nullable` allows them', () => {
    expect(thing(VALID)).toEqual([]);
    expect(thing({ ...VALID, note: 'n', color: 'red', owner: { name: 'o' }, extras: { anything: [1] } })).toEqual([]);
  });

  it('refuses null where the document does not allow it, and wrong types, formats and enums', () => {
    expect(thing({ ...VALID, id: null })).toEqual(['schema /id type']);
    expect(thing({ ...VALID, id: 'not-a-uuid' })).toEqual(['schema /id format']);
    expect(thing({ ...VALID, kind: 'c' })).toEqual(['schema /kind enum']);
    expect(thing({ ...VALID, color: 'green' })).toEqual(['schema /color enum']);
  });

  it('reads a boolean exclusiveMinimum as draft-04 meant it', () => {
    expect(thing({ ...VALID, size: 0 })).toEqual(['schema /size exclusiveMinimum']);
  });

  it('reports missing required members and undeclared ones at the member, at any depth', () => {
    const { kind: _kind, ...withoutKind } = VALID;
    expect(thing(withoutKind)).toEqual(['schema /kind required']);
    expect(thing({ ...VALID, colour: 'red', owner: { name: 'o', age: 3 } })).toEqual(['schema /colour additionalProperties', 'schema /owner/age additionalProperties']);
  });

  it('refuses a writeOnly member in a response', () => {
    expect(thing({ ...VALID, secret: 's3cr3t' })).toEqual(['schema /secret false schema']);
  });

  it('picks the oneOf branch by the declared discriminator, and reports an unknown value at its member', () => {
    expect(thing({ ...VALID, pet: { petType: 'cat', barks: true } })).toEqual(['schema /pet/barks additionalProperties']);
    expect(thing({ ...VALID, pet: { petType: 'fish' } })).toEqual(['schema /pet/petType discriminator']);
  });

  it('picks the oneOf branch by an inferred discriminator (a required member with disjoint enums)', () => {
    expect(thing({ ...VALID, shape: { form: 'circle', side: 2 } })).toEqual(['schema /shape/side additionalProperties']);
    expect(thing({ ...VALID, shape: { form: 'triangle' } })).toEqual(['schema /shape/form discriminator']);
  });

  it('judges statuses: exact, then a range, then default; anything else is undeclared', () => {
    expect(issues(judge(check, 'GET', '/base/things/abc', 404, { message: 'no' }))).toEqual([]);
    expect(issues(judge(check, 'GET', '/base/things/abc', 404, { detail: 'no' }))).toEqual(['schema /message required', 'schema /detail additionalProperties']);
    expect(issues(judge(check, 'GET', '/base/things/abc', 500, { message: 'no' }))).toEqual(['undeclared-status ']);
    expect(issues(judge(check, 'DELETE', '/base/things/abc', 503, { message: 'no' }))).toEqual([]);
  });

  it('judges bodies: none where none is declared, one where one is, JSON of the declared media type', () => {
    expect(issues(judge(check, 'DELETE', '/base/things/abc', 204, undefined))).toEqual([]);
    expect(issues(judge(check, 'DELETE', '/base/things/abc', 204, { deleted: true }))).toEqual(['undeclared-body ']);
    expect(issues(judge(check, 'GET', '/base/things/abc', 200, undefined))).toEqual(['missing-body ']);
    expect(issues(judge(check, 'GET', '/base/things/abc', 200, '{"id":'))).toEqual(['not-json ']);
    expect(issues(judge(check, 'GET', '/base/things/abc', 200, VALID, new Headers({ 'content-type': 'text/plain' })))).toEqual(['media-type ']);
  });

  it('finds operations under the server path, a literal segment before a parameter', () => {
    expect(judge(check, 'GET', '/base/things/special', 200, { special: true }).operation).toBe('GET /things/special');
    expect(judge(check, 'GET', '/base/things/other', 200, VALID).operation).toBe('GET /things/{id}');
    expect(issues(judge(check, 'GET', '/things/abc', 200, VALID))).toEqual(['undeclared-operation ']);
    expect(issues(judge(check, 'PUT', '/base/things/abc', 200, VALID))).toEqual(['undeclared-operation ']);
  });

  it('counts the documented operations no answer reached', () => {
    const fresh = new Conformance('example', () => 'http://127.0.0.1', { documents: [new VendorDocument('example.yaml', OPENAPI)], deviations: [] });
    judge(fresh, 'GET', '/base/things/abc', 200, VALID);
    expect(fresh.unexercisedOperations()).toEqual(['DELETE /things/{id}', 'GET /things/special']);
  });
});

describe('Swagger 2.0 schemas, converted', () => {
  const check = new Conformance('example', () => 'http://127.0.0.1', { documents: [new VendorDocument('example.json', SWAGGER)], deviations: [] });

  it('resolves definitions, honours x-nullable and formats, and falls back to default', () => {
    expect(issues(judge(check, 'GET', '/v1/items/a', 200, { slug: 'a', updated_at: null }))).toEqual([]);
    expect(issues(judge(check, 'GET', '/v1/items/a', 200, { slug: 'a', updated_at: 'yesterday' }))).toEqual(['schema /updated_at format']);
    expect(issues(judge(check, 'GET', '/v1/items/a', 401, { code: 16, message: 'no token' }))).toEqual([]);
  });
});

describe('deviations', () => {
  const listed = (path: string, keyword?: string): Deviation => ({
    vendor: 'example',
    operation: 'GET /things/{id}',
    status: 200,
    kind: 'schema',
    path,
    ...(keyword === undefined ? {} : { keyword }),
    reason: 'a test of the list',
  });
  const make = (deviations: readonly Deviation[]): Conformance =>
    new Conformance('example', () => 'http://127.0.0.1', { documents: [new VendorDocument('example.yaml', OPENAPI)], deviations: [...deviations, { ...listed('/other'), vendor: 'elsewhere' }] });

  it('set aside exactly the issue they name: operation, status, kind, keyword and path (`*` = one segment)', () => {
    const check = make([listed('/pet/*', 'additionalProperties'), listed('/owner/age', 'additionalProperties')]);
    const exchange = judge(check, 'GET', '/base/things/abc', 200, { ...VALID, id: null, owner: { name: 'o', age: 3 }, pet: { petType: 'cat', barks: true } });
    expect(exchange.issues).toHaveLength(3);
    expect(exchange.unlisted.map((issue) => issue.path)).toEqual(['/id']);
    expect(judge(check, 'GET', '/base/things/abc', 200, { ...VALID, owner: { name: 1 } }).unlisted.map((issue) => issue.path)).toEqual(['/owner/name']);
    expect(judge(check, 'GET', '/base/things/abc', 404, { message: 'x', owner: 1 }).unlisted.map((issue) => issue.path)).toEqual(['/owner']);
  });

  it('that no answer needed are reported, and only the judged vendor’s count', () => {
    const check = make([listed('/owner/age', 'additionalProperties'), listed('/owner/age', 'type'), listed('/never')]);
    judge(check, 'GET', '/base/things/abc', 200, { ...VALID, owner: { name: 'o', age: 3 } });
    expect(check.unmetDeviations()).toEqual(['GET /things/{id} 200 schema/type /owner/age', 'GET /things/{id} 200 schema /never']);
  });

  it('judge an undeclared operation against the documented one they name', () => {
    const check = make([{ vendor: 'example', operation: 'GET /base/v2/things/abc', status: 200, kind: 'undeclared-operation', path: '', reason: 'a moved path', validateAs: 'GET /things/{id}' }]);
    const exchange = judge(check, 'GET', '/base/v2/things/abc', 200, { ...VALID, id: 7 });
    expect(exchange.operation).toBe('GET /things/{id}');
    expect(issues(exchange)).toEqual(['undeclared-operation ', 'schema /id type']);
    expect(exchange.unlisted.map((issue) => issue.kind)).toEqual(['schema']);
  });
});

describe('simulators that break their contract are caught', () => {
  const cortex = createCortexSimulator({ token: 'harness-token' });
  const chronosphere = createChronosphereSimulator({ apiToken: 'harness-token' });
  const cortexCheck = new Conformance('cortex', () => cortex.server.baseUrl, { deviations: [] });
  const chronosphereCheck = new Conformance('chronosphere', () => chronosphere.server.baseUrl, { deviations: [] });

  beforeAll(async () => {
    await Promise.all([cortex.server.listen(), chronosphere.server.listen()]);
  });
  afterAll(async () => {
    await Promise.all([cortex.server.close(), chronosphere.server.close()]);
  });

  it('a Cortex configuration with a null or missing member', async () => {
    const read = { method: 'GET', path: '/api/v1/pagerduty/default-configuration', headers: { authorization: 'Bearer harness-token' } };
    expectConforms(await cortexCheck.send(read), 200);
    cortex.breakContract({ lastFour: null });
    expect(issues(await cortexCheck.send(read))).toEqual(['schema /lastFour type']);
    cortex.breakContract({ isTokenReadonly: undefined, colour: 'red' });
    expect(issues(await cortexCheck.send(read))).toEqual(['schema /isTokenReadonly required', 'schema /colour additionalProperties']);
  });

  it('a Chronosphere connection with a bad timestamp, in the list and in the read', async () => {
    const headers = { 'API-Token': 'harness-token' };
    const listed = await chronosphereCheck.send({ method: 'GET', path: '/api/v1/config/external-connections', headers });
    expectConforms(listed, 200);
    const slug = String((listed.json as { external_connections: { slug: string }[] }).external_connections[0]?.slug);
    chronosphere.breakContract(slug, { created_at: 'yesterday' });
    expect(issues(await chronosphereCheck.send({ method: 'GET', path: `/api/v1/config/external-connections/${slug}`, headers }))).toEqual(['schema /external_connection/created_at format']);
    expect(issues(await chronosphereCheck.send({ method: 'GET', path: '/api/v1/config/external-connections', headers, query: { slugs: [slug] } }))).toEqual([
      'schema /external_connections/0/created_at format',
    ]);
  });
});
