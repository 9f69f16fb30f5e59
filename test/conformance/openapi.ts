import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/*
 * A vendor's OpenAPI 3.0 or Swagger 2.0 document, turned into something ajv can judge responses
 * against. Neither format is JSON Schema: their "schema objects" are close to draft-04/05 with
 * extra keywords, so each schema is rewritten into draft-07 (ajv's default dialect) first:
 *
 * - `nullable: true` (OpenAPI 3.0) and `x-nullable: true` (Swagger 2.0) add `null` to `type` (and
 *   to `enum`); a nullable schema without a single `type` (a `$ref`, a `oneOf`) becomes
 *   `anyOf: [{type: null}, schema]`, whose own two errors are dropped when the value is not null.
 * - boolean `exclusiveMinimum`/`exclusiveMaximum` (draft-04 style) become draft-07's numbers.
 * - `$ref`s to `#/components/schemas/X` or `#/definitions/X` point into one registered schema per
 *   document whose `definitions` hold every converted component; a `$ref` to a bare string enum is
 *   inlined (same meaning), which ajv's discriminator needs.
 * - `discriminator` drives ajv's `discriminator` keyword (its `mapping` dropped: ajv does not read
 *   it, and the branches' `type` enums say the same). A `oneOf` whose branches all require one
 *   property holding disjoint enum values is discriminated the same way: for a valid value that is
 *   the only branch that can match, and an invalid one is reported at its real field instead of as
 *   "matches none of 24 branches".
 * - Objects are read closed: a schema with `properties` and no `additionalProperties` gets
 *   `additionalProperties: false`, so a member the document does not declare is reported. The
 *   documents leave objects open, but a simulator that invents fields is as wrong as one that drops
 *   them; a member the real vendor sends beyond its document is listed in ./deviations.ts instead.
 * - A `writeOnly` property must not appear in a response (OpenAPI 3.0: "SHOULD NOT be sent").
 * - Annotations ajv does not know (`example`, `xml`, `externalDocs`, `deprecated`, `x-*`) are
 *   dropped; any other unknown keyword stops the conversion, so nothing is silently ignored.
 * - Only the components some response reaches are converted (request-only schemas never are).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** What can go wrong with one response, by kind. `path` is a JSON pointer into the body ('' = all of it). */
export type IssueKind = 'undeclared-operation' | 'undeclared-status' | 'media-type' | 'missing-body' | 'undeclared-body' | 'not-json' | 'schema';

export interface Issue {
  readonly kind: IssueKind;
  readonly path: string;
  /** For `schema` issues: the ajv keyword that failed. */
  readonly keyword?: string;
  readonly message: string;
}

/** One documented operation. */
export interface Operation {
  readonly document: string;
  readonly method: string;
  /** The path as the document writes it, e.g. `/api/v1/config/external-connections/{slug}`. */
  readonly template: string;
  /** `METHOD template`, the name deviations use. */
  readonly name: string;
  readonly pattern: RegExp;
  /** How many segments are literal: `/install/CUSTOM` beats `/install/{id}` for the same path. */
  readonly literals: number;
  readonly responses: ReadonlyMap<string, DeclaredResponse>;
}

/** A declared response: its media types, each with the key of its compiled schema (null: none given). */
interface DeclaredResponse {
  readonly media: ReadonlyMap<string, string | null>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Marks the `anyOf: [{type: null}, schema]` a nullable `$ref` becomes. When the value is not null,
 * its errors are the schema's own; the wrapper's "must be null" and "must match a schema in anyOf"
 * would only repeat them, so they are dropped.
 */
const NULLABLE_WRAPPER = 'patchbay: nullable';
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** Keywords kept as they are (draft-07 knows them); their schema-valued members are converted. */
const KEPT = new Set([
  'type',
  'enum',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'required',
  'minProperties',
  'maxProperties',
  'title',
  'description',
  'default',
  'readOnly',
  'writeOnly',
]);
/** Annotations neither ajv nor a response check needs. */
const DROPPED = new Set(['example', 'xml', 'externalDocs', 'deprecated']);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The name of the component a local `$ref` names, or null for anything else. */
function componentName(ref: string): string | null {
  const match = /^#\/(?:components\/schemas|definitions)\/([^/]+)$/.exec(ref);
  return match?.[1] === undefined ? null : match[1].replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Rewrites one document's schema objects into draft-07; see the file comment. */
class SchemaConverter {
  /** Components a converted schema refers to; only these are converted (request-only schemas never are). */
  readonly referenced = new Set<string>();

  constructor(private readonly components: JsonObject) {}

  /** The component a `$ref` names, unconverted. */
  private target(ref: string): JsonObject | null {
    const name = componentName(ref);
    const found = name === null ? undefined : this.components[name];
    return isObject(found) ? found : null;
  }

  /** Follows `$ref`s to the schema they name (unconverted). */
  private resolve(schema: Json | undefined): JsonObject | null {
    let current = schema;
    for (let hops = 0; hops < 20 && isObject(current); hops += 1) {
      const ref = current['$ref'];
      if (typeof ref !== 'string') return current;
      current = this.target(ref) ?? undefined;
    }
    return null;
  }

  /** An enum with no subschemas: inlining its `$ref` changes no meaning and cannot recurse. */
  private pureEnum(schema: JsonObject | null): boolean {
    return schema !== null && Array.isArray(schema['enum']) && !['$ref', 'properties', 'items', 'allOf', 'anyOf', 'oneOf', 'not', 'additionalProperties'].some((key) => key in schema);
  }

  convert(schema: Json, at: string, closable = true): Json {
    if (typeof schema === 'boolean') return schema;
    if (!isObject(schema)) throw new Error(`${at}: a schema must be an object, got ${JSON.stringify(schema)}`);
    const ref = schema['$ref'];
    if (typeof ref === 'string') {
      const target = this.target(ref);
      if (target === null) throw new Error(`${at}: unresolvable $ref ${ref}`);
      if (this.pureEnum(target)) return this.convert(target, `${at}→${ref}`);
      // OpenAPI 3.0 ignores a $ref's siblings (description, nullable among them is the one that would matter).
      const name = componentName(ref) ?? '';
      this.referenced.add(name);
      const converted: JsonObject = { $ref: `#/definitions/${escapePointer(name)}` };
      return schema['nullable'] === true || schema['x-nullable'] === true ? nullOr(converted) : converted;
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key.startsWith('x-') || DROPPED.has(key) || key === 'nullable' || key === 'discriminator') continue;
      if (KEPT.has(key)) out[key] = value;
      else if (key === 'properties') out[key] = this.properties(value, `${at}/properties`);
      else if (key === 'additionalProperties') out[key] = typeof value === 'boolean' ? value : this.convert(value, `${at}/additionalProperties`);
      else if (key === 'items') out[key] = this.convert(value, `${at}/items`);
      else if (key === 'not') out[key] = this.convert(value, `${at}/not`, false);
      else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') out[key] = this.list(value, `${at}/${key}`, key !== 'allOf');
      else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') this.exclusive(schema, key, out, at);
      else throw new Error(`${at}: the converter does not know the keyword "${key}"`);
    }
    this.discriminate(schema, out, at);
    if (closable && isObject(out['properties']) && !('additionalProperties' in out) && !('allOf' in out)) out['additionalProperties'] = false;
    return this.nullable(schema, out);
  }

  private properties(value: Json, at: string): JsonObject {
    if (!isObject(value)) throw new Error(`${at}: properties must be an object`);
    const out: JsonObject = {};
    for (const [name, member] of Object.entries(value)) {
      // A response must not carry a writeOnly member: the false schema refuses it where it appears.
      out[name] = isObject(member) && member['writeOnly'] === true ? false : this.convert(member, `${at}/${escapePointer(name)}`);
    }
    return out;
  }

  private list(value: Json, at: string, closable: boolean): Json[] {
    if (!Array.isArray(value)) throw new Error(`${at}: must be a list`);
    return value.map((member, index) => this.convert(member, `${at}/${index}`, closable));
  }

  /** draft-04's `exclusiveMinimum: true` next to `minimum` is draft-07's `exclusiveMinimum: <minimum>`. */
  private exclusive(schema: JsonObject, key: 'exclusiveMinimum' | 'exclusiveMaximum', out: JsonObject, at: string): void {
    const value = schema[key];
    const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
    if (typeof value === 'number') out[key] = value;
    else if (value === true) {
      const limit = schema[bound];
      if (typeof limit !== 'number') throw new Error(`${at}: ${key} without ${bound}`);
      out[key] = limit;
      delete out[bound];
    }
  }

  /** Sets ajv's `discriminator` for a declared discriminator, or an inferable one (file comment). */
  private discriminate(schema: JsonObject, out: JsonObject, at: string): void {
    const oneOf = schema['oneOf'];
    if (!Array.isArray(oneOf)) return;
    const declared = schema['discriminator'];
    let property: string | null = null;
    if (isObject(declared) && typeof declared['propertyName'] === 'string') property = declared['propertyName'];
    else if (typeof declared === 'string') property = declared;
    else property = this.inferDiscriminator(oneOf);
    if (property === null) return;
    out['discriminator'] = { propertyName: property };
    // OpenAPI: the discriminating property must be present in the payload.
    const required = Array.isArray(out['required']) ? out['required'] : [];
    if (!required.includes(property)) out['required'] = [...required, property];
    if (isObject(declared) || typeof declared === 'string') this.checkBranches(oneOf, property, at);
  }

  /** The property every branch requires with an enum of its own, all enums disjoint; null when there is none. */
  private inferDiscriminator(oneOf: readonly Json[]): string | null {
    if (oneOf.length === 0) return null;
    const branches = oneOf.map((branch) => this.resolve(branch));
    const first = branches[0];
    if (first === null || first === undefined || !isObject(first['properties'])) return null;
    for (const candidate of Object.keys(first['properties'])) {
      const seen = new Set<string>();
      const fits = branches.every((branch) => {
        if (branch === null || !isObject(branch['properties']) || !Array.isArray(branch['required']) || !branch['required'].includes(candidate)) return false;
        const values = this.resolve(branch['properties'][candidate])?.['enum'];
        if (!Array.isArray(values) || values.length === 0) return false;
        return values.every((value) => {
          const key = JSON.stringify(value);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      });
      if (fits) return candidate;
    }
    return null;
  }

  /** ajv reads a discriminator only from branches that declare the property with an enum. */
  private checkBranches(oneOf: readonly Json[], property: string, at: string): void {
    for (const [index, branch] of oneOf.entries()) {
      const resolved = this.resolve(branch);
      const member = resolved !== null && isObject(resolved['properties']) ? this.resolve(resolved['properties'][property]) : null;
      if (!Array.isArray(member?.['enum'])) throw new Error(`${at}/oneOf/${index}: a discriminated branch must declare "${property}" with an enum`);
    }
  }

  private nullable(source: JsonObject, out: JsonObject): Json {
    if (source['nullable'] !== true && source['x-nullable'] !== true) return out;
    const type = out['type'];
    if (typeof type === 'string') {
      out['type'] = [type, 'null'];
      const values = out['enum'];
      if (Array.isArray(values) && !values.includes(null)) out['enum'] = [...values, null];
      return out;
    }
    return nullOr(out);
  }
}

function nullOr(schema: JsonObject): JsonObject {
  return { $comment: NULLABLE_WRAPPER, anyOf: [{ $comment: NULLABLE_WRAPPER, type: 'null' }, schema] };
}

/** Whether an ajv error comes from a nullable wrapper itself rather than from the schema it wraps. */
function fromWrapper(error: ErrorObject): boolean {
  const parent: unknown = error.parentSchema;
  return typeof parent === 'object' && parent !== null && (parent as Record<string, unknown>)['$comment'] === NULLABLE_WRAPPER;
}

/** One vendor document, its operations and the validators of its responses. */
export class VendorDocument {
  readonly file: string;
  readonly operations: readonly Operation[];
  private readonly id: string;
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  /** Reads a document from the repository (`.json`, else YAML). */
  static read(file: string): VendorDocument {
    const text = readFileSync(`${REPO_ROOT}${file}`, 'utf8');
    return new VendorDocument(file, file.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
  }

  /** `file` names the document in messages and deviations; `parsed` is its JSON or YAML, parsed. */
  constructor(file: string, parsed: unknown) {
    this.file = file;
    this.id = `https://conformance.patchbay.invalid/${file}`;
    const raw = parsed as Json;
    if (!isObject(raw)) throw new Error(`${file} is not a document`);
    const swagger = raw['swagger'] === '2.0';
    if (!swagger && !(typeof raw['openapi'] === 'string' && raw['openapi'].startsWith('3.0'))) throw new Error(`${file}: only Swagger 2.0 and OpenAPI 3.0 are read`);
    const components = swagger ? raw['definitions'] : isObject(raw['components']) ? raw['components']['schemas'] : undefined;
    const converter = new SchemaConverter(isObject(components) ? components : {});
    const definitions: JsonObject = {};
    let inline = 0;
    this.operations = readOperations(raw, file, swagger, (schema, where) => {
      const ref = isObject(schema) && typeof schema['$ref'] === 'string' ? componentName(schema['$ref']) : null;
      if (ref !== null && Object.keys(schema as JsonObject).length === 1) {
        converter.referenced.add(ref);
        return ref;
      }
      const key = `inline:${inline++}`;
      definitions[key] = converter.convert(schema, where);
      return key;
    });
    // The components the responses reach, transitively.
    const schemas = isObject(components) ? components : {};
    for (let pending = [...converter.referenced]; pending.length > 0; pending = [...converter.referenced].filter((name) => !(name in definitions))) {
      for (const name of pending) {
        const schema = schemas[name];
        if (schema === undefined) throw new Error(`${file}: no component ${name}`);
        definitions[name] = converter.convert(schema, `${file}#/${name}`);
      }
    }
    this.ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: true, strictTypes: false, strictRequired: false, strictTuples: false, validateFormats: true });
    formats.default(this.ajv);
    this.ajv.addSchema({ $id: this.id, definitions });
  }

  /** The issues of `body` against the schema registered under `key`. */
  validate(key: string, body: unknown): Issue[] {
    let validator = this.validators.get(key);
    if (!validator) {
      validator = this.ajv.getSchema(`${this.id}#/definitions/${escapePointer(key)}`);
      if (!validator) throw new Error(`${this.file}: no schema ${key}`);
      this.validators.set(key, validator);
    }
    if (validator(body)) return [];
    return (validator.errors ?? []).filter((error) => !fromWrapper(error)).map((error) => ({ kind: 'schema', path: subjectOf(error), keyword: error.keyword, message: describeError(error) }));
  }
}

/** The field an ajv error is about: for a missing or undeclared member, the member itself. */
function subjectOf(error: ErrorObject): string {
  const params: Record<string, unknown> = error.params;
  const member =
    error.keyword === 'additionalProperties' ? params['additionalProperty'] : error.keyword === 'required' ? params['missingProperty'] : error.keyword === 'discriminator' ? params['tag'] : undefined;
  return typeof member === 'string' ? `${error.instancePath}/${escapePointer(member)}` : error.instancePath;
}

function describeError(error: ErrorObject): string {
  const params: Record<string, unknown> = error.params;
  if (error.keyword === 'additionalProperties') return `${error.keyword}: not declared by the document`;
  if (error.keyword === 'discriminator') return `discriminator: ${JSON.stringify(params['tagValue'])} names no branch (${String(params['error'])})`;
  if (error.keyword === 'enum') return `enum: ${error.message ?? ''} ${JSON.stringify(params['allowedValues'])}`;
  return `${error.keyword}: ${error.message ?? ''}`;
}

/** The document's base path (the first server's path, or Swagger's `basePath`), without a trailing slash. */
function basePathOf(raw: JsonObject, swagger: boolean): string {
  if (swagger) return typeof raw['basePath'] === 'string' ? raw['basePath'].replace(/\/$/, '') : '';
  const servers = raw['servers'];
  const first = Array.isArray(servers) ? servers[0] : undefined;
  if (!isObject(first) || typeof first['url'] !== 'string') return '';
  const variables = isObject(first['variables']) ? first['variables'] : {};
  const url = first['url'].replace(/\{([^}]+)\}/g, (_, name: string) => {
    const variable = variables[name];
    return isObject(variable) && typeof variable['default'] === 'string' ? variable['default'] : 'x';
  });
  return new URL(url, 'https://server.invalid').pathname.replace(/\/$/, '');
}

type SchemaKeyOf = (schema: Json, where: string) => string;

function readOperations(raw: JsonObject, file: string, swagger: boolean, keyOf: SchemaKeyOf): Operation[] {
  const base = basePathOf(raw, swagger);
  const paths = isObject(raw['paths']) ? raw['paths'] : {};
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const segments = `${base}${template}`.split('/');
    const pattern = new RegExp(`^${segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`);
    const literals = segments.filter((s) => s !== '' && !/^\{[^}]+\}$/.test(s)).length;
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !isObject(operation)) continue;
      const name = `${method.toUpperCase()} ${template}`;
      const produces = swagger ? (operation['produces'] ?? raw['produces'] ?? ['application/json']) : null;
      const responses = new Map<string, DeclaredResponse>();
      for (const [status, declared] of Object.entries(isObject(operation['responses']) ? operation['responses'] : {})) {
        const response = resolveResponse(raw, declared);
        const where = `${file} ${name} ${status}`;
        responses.set(status.toUpperCase(), swagger ? swaggerResponse(response, produces, where, keyOf) : openApiResponse(response, where, keyOf));
      }
      operations.push({ document: file, method: method.toUpperCase(), template, name, pattern, literals, responses });
    }
  }
  return operations;
}

function resolveResponse(raw: JsonObject, declared: Json): JsonObject {
  if (!isObject(declared)) return {};
  const ref = declared['$ref'];
  if (typeof ref !== 'string') return declared;
  const match = /^#\/(?:components\/)?responses\/([^/]+)$/.exec(ref);
  const holder = isObject(raw['components']) ? raw['components']['responses'] : raw['responses'];
  const found = match?.[1] !== undefined && isObject(holder) ? holder[match[1]] : undefined;
  if (!isObject(found)) throw new Error(`unresolvable response $ref ${ref}`);
  return found;
}

function openApiResponse(response: JsonObject, where: string, keyOf: SchemaKeyOf): DeclaredResponse {
  const media = new Map<string, string | null>();
  const content = response['content'];
  for (const [type, entry] of Object.entries(isObject(content) ? content : {})) {
    const schema = isObject(entry) ? entry['schema'] : undefined;
    media.set(type.toLowerCase(), schema === undefined ? null : keyOf(schema, `${where} ${type}`));
  }
  return { media };
}

function swaggerResponse(response: JsonObject, produces: Json, where: string, keyOf: SchemaKeyOf): DeclaredResponse {
  const media = new Map<string, string | null>();
  const schema = response['schema'];
  if (schema === undefined) return { media };
  const key = keyOf(schema, where);
  for (const type of Array.isArray(produces) ? produces : []) if (typeof type === 'string') media.set(type.toLowerCase(), key);
  return { media };
}

/** One vendor's documents, searched in order. */
export class VendorSpec {
  readonly documents: readonly VendorDocument[];

  constructor(documents: readonly VendorDocument[]) {
    this.documents = documents;
  }

  get operations(): readonly Operation[] {
    return this.documents.flatMap((document) => document.operations);
  }

  /** The operation a request hits: method plus path template, the most literal template first. */
  find(method: string, path: string): Operation | null {
    const candidates = this.operations.filter((operation) => operation.method === method && operation.pattern.test(path));
    candidates.sort((a, b) => b.literals - a.literals);
    return candidates[0] ?? null;
  }

  byName(name: string): Operation | null {
    return this.operations.find((operation) => operation.name === name) ?? null;
  }

  /** The issues of one response of `operation`: its status, media type and body against the document. */
  judge(operation: Operation, status: number, contentType: string | null, text: string): Issue[] {
    const declared = operation.responses.get(String(status)) ?? operation.responses.get(`${String(status).charAt(0)}XX`) ?? operation.responses.get('DEFAULT');
    if (!declared) return [{ kind: 'undeclared-status', path: '', message: `${status} is not among the declared responses (${[...operation.responses.keys()].join(', ')})` }];
    const empty = text.trim() === '';
    if (declared.media.size === 0) return empty ? [] : [{ kind: 'undeclared-body', path: '', message: `the document declares no body for ${status}, the answer has ${text.length} bytes` }];
    const issues: Issue[] = [];
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    let key = declared.media.get(type);
    if (key === undefined) {
      issues.push({ kind: 'media-type', path: '', message: `answered as ${type || 'no content type'}; the document declares ${[...declared.media.keys()].join(', ')}` });
      key = [...declared.media.entries()].find(([media]) => media.includes('json'))?.[1];
    }
    if (key === null || key === undefined) return issues;
    if (empty) return [...issues, { kind: 'missing-body', path: '', message: `the document declares a body for ${status}; the answer has none` }];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [...issues, { kind: 'not-json', path: '', message: `the body is not JSON: ${text.slice(0, 60)}` }];
    }
    const document = this.documents.find((d) => d.file === operation.document);
    if (!document) throw new Error(`no document ${operation.document}`);
    return [...issues, ...dedupe(document.validate(key, body))];
  }
}

function dedupe(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.kind}\u0000${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
