import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { ErrorCode as YamlErrorCode } from 'yaml';
import type { z } from 'zod';
import { createConfigSchema, type AccountConfig, type AccountSchema, type PatchbayConfig } from './schema.js';

/**
 * Reading the config file. The file holds credentials, so no message built here ever
 * quotes a value from it: not zod's (we write our own from issue codes), not the JSON or
 * YAML parser's (we report a position and a fixed description), and not an environment
 * variable's (only its name).
 */

export type ConfigFormat = 'yaml' | 'json';

export interface ConfigIssue {
  /** Dotted path to the bad key, like `accounts[1].apiKey`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
  /** 1-based position in the file, for syntax errors. */
  readonly line?: number;
  readonly column?: number;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  /** The file the config came from, when known. */
  readonly source: string | undefined;

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const where = source === undefined ? '' : ` (${source})`;
    const lines = issues.map((issue) => (issue.path === '' ? `  ${issue.message}` : `  ${issue.path}: ${issue.message}`));
    super(`Invalid Patchbay config${where}:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
    this.source = source;
  }
}

/** Parses, interpolates and validates a config file's text. Throws ConfigError. */
export function parseConfigText(text: string, format: ConfigFormat, env: Record<string, string | undefined>, accounts: readonly AccountSchema[]): PatchbayConfig {
  return validate(parseSyntax(text, format), env, accounts);
}

/**
 * Reads a config file. The format follows the extension (.yaml, .yml, .json); with any
 * other extension the text is tried as JSON, then as YAML. Throws ConfigError.
 */
export async function loadConfigFile(path: string, env: Record<string, string | undefined>, accounts: readonly AccountSchema[]): Promise<PatchbayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as { code?: unknown } | null)?.code;
    const reason = typeof code === 'string' ? code : 'unknown error';
    throw new ConfigError([{ path: '', message: `cannot read the config file (${reason})` }], path);
  }
  try {
    const format = configFormatFromPath(path);
    let parsed: unknown;
    if (format !== undefined) {
      parsed = parseSyntax(text, format);
    } else {
      try {
        parsed = parseSyntax(text, 'json');
      } catch {
        parsed = parseSyntax(text, 'yaml');
      }
    }
    return validate(parsed, env, accounts);
  } catch (error: unknown) {
    if (error instanceof ConfigError && error.source === undefined) {
      throw new ConfigError(error.issues, path);
    }
    throw error;
  }
}

/** The format an extension names, or undefined when it names none. */
export function configFormatFromPath(path: string): ConfigFormat | undefined {
  switch (extname(path).toLowerCase()) {
    case '.yaml':
    case '.yml':
      return 'yaml';
    case '.json':
      return 'json';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Syntax

function parseSyntax(rawText: string, format: ConfigFormat): unknown {
  const text = rawText.startsWith('\uFEFF') ? rawText.slice(1) : rawText;
  return format === 'json' ? parseJson(text) : parseYaml(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's message quotes the text around the error, so find the position ourselves.
    const found = findJsonSyntaxError(text);
    if (found === undefined) {
      throw new ConfigError([{ path: '', message: 'JSON syntax error' }]);
    }
    throw new ConfigError([syntaxIssue('JSON', text, found.offset, found.reason)]);
  }
}

const YAML_ERROR_DESCRIPTIONS: Partial<Record<YamlErrorCode, string>> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or tag',
  BAD_ALIAS: 'bad alias',
  BAD_DIRECTIVE: 'bad directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation',
  BAD_PROP_ORDER: 'anchors and tags must come after the indicator',
  BAD_SCALAR_START: 'a plain value cannot start with this character (quote the value)',
  BLOCK_AS_IMPLICIT_KEY: 'a nested block cannot be an implicit key',
  BLOCK_IN_FLOW: 'a block collection cannot be inside a flow collection',
  DUPLICATE_KEY: 'duplicate key',
  KEY_OVER_1024_CHARS: 'implicit key longer than 1024 characters',
  MISSING_CHAR: 'missing character (a quote, bracket, comma or colon)',
  MULTILINE_IMPLICIT_KEY: 'implicit keys must be on a single line',
  MULTIPLE_ANCHORS: 'a node can have at most one anchor',
  MULTIPLE_DOCS: 'the file must contain a single YAML document',
  MULTIPLE_TAGS: 'a node can have at most one tag',
  NON_STRING_KEY: 'keys must be strings',
  RESOURCE_EXHAUSTION: 'too many alias expansions',
  TAB_AS_INDENT: 'tabs cannot be used for indentation',
  TAG_RESOLVE_FAILED: 'unknown or unresolvable tag',
  UNEXPECTED_TOKEN: 'unexpected token',
  BAD_COLLECTION_TYPE: 'tag does not fit the collection type',
};

function yamlIssue(text: string, error: unknown): ConfigIssue {
  const code = (error as { code?: unknown } | null)?.code;
  const pos = (error as { pos?: unknown } | null)?.pos;
  const description = (typeof code === 'string' ? YAML_ERROR_DESCRIPTIONS[code as YamlErrorCode] : undefined) ?? 'invalid YAML';
  if (Array.isArray(pos) && typeof pos[0] === 'number') {
    return syntaxIssue('YAML', text, pos[0], description);
  }
  return { path: '', message: `YAML syntax error: ${description}` };
}

function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((error) => yamlIssue(text, error)));
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error: unknown) {
    throw new ConfigError([yamlIssue(text, error)]);
  }
}

function syntaxIssue(kind: 'JSON' | 'YAML', text: string, offset: number, reason: string): ConfigIssue {
  const { line, column } = lineAndColumn(text, offset);
  return {
    path: '',
    message: `${kind} syntax error at line ${line}, column ${column}: ${reason}`,
    line,
    column,
  };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Finds where JSON text stops being valid, for a message with a position (Node's own
 * message quotes the text). Only called after JSON.parse has failed.
 */
export function findJsonSyntaxError(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  class Stop {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {}
  }
  const fail = (reason: string, at = i): never => {
    throw new Stop(at, at >= text.length ? 'unexpected end of input' : reason);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string): void => {
    if (!text.startsWith(word, i)) fail('unexpected character');
    i += word.length;
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in a string (escape it)');
      if (c === 0x5c) {
        const next = text.charAt(i + 1);
        if ('"\\/bfnrt'.includes(next) && next !== '') {
          i += 2;
        } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          i += 6;
        } else {
          fail('invalid escape sequence');
        }
      } else {
        i++;
      }
    }
  };
  const number = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (match === null || match[0] === '' || match[0] === '-') fail('invalid number');
    i += match?.[0].length ?? 0;
  };
  const value = (): void => {
    ws();
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      ws();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text.charAt(i) !== '"') fail('expected a property name in double quotes');
        string();
        ws();
        if (text.charAt(i) !== ':') fail("expected ':' after a property name");
        i++;
        value();
        ws();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === '}') {
          i++;
          return;
        }
        fail("expected ',' or '}'");
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text.charAt(i) === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === ']') {
          i++;
          return;
        }
        fail("expected ',' or ']'");
      }
    } else if (c === '"') {
      string();
    } else if (c === 't') {
      literal('true');
    } else if (c === 'f') {
      literal('false');
    } else if (c === 'n') {
      literal('null');
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      number();
    } else {
      fail('unexpected character');
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail('unexpected content after the end of the JSON value');
    return undefined;
  } catch (error: unknown) {
    if (error instanceof Stop) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// ${VAR} interpolation

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Interpolated {
  readonly value: unknown;
  readonly issues: ConfigIssue[];
  /** Paths (formatted) whose value could not be interpolated. */
  readonly failedPaths: Set<string>;
}

/**
 * Replaces `${VAR}` in every string leaf with the variable's value; `$${` is a literal
 * `${`. Keys are left alone. Substituted values are not scanned again.
 */
export function interpolateEnv(value: unknown, env: Record<string, string | undefined>): Interpolated {
  const issues: ConfigIssue[] = [];
  const failedPaths = new Set<string>();

  const interpolateString = (s: string, path: readonly PropertyKey[]): string => {
    if (!s.includes('$')) return s;
    let out = '';
    let i = 0;
    let failed = false;
    const report = (message: string): void => {
      const formatted = formatPath(path);
      issues.push({ path: formatted, message });
      failedPaths.add(formatted);
      failed = true;
    };
    while (i < s.length) {
      if (s.startsWith('$${', i)) {
        out += '${';
        i += 3;
      } else if (s.startsWith('${', i)) {
        const end = s.indexOf('}', i + 2);
        if (end === -1) {
          report('unterminated "${" (write "$${" for a literal "${")');
          break;
        }
        const name = s.slice(i + 2, end);
        if (!VARIABLE_NAME.test(name)) {
          // Not quoted: it may be part of a literal secret.
          report('invalid "${...}" reference: a variable name is letters, digits and "_" and does not start with a digit (write "$${" for a literal "${")');
        } else {
          const substitute = env[name];
          if (substitute === undefined) {
            report(`environment variable ${name} is not set`);
          } else {
            out += substitute;
          }
        }
        i = end + 1;
      } else {
        out += s.charAt(i);
        i++;
      }
    }
    return failed ? s : out;
  };

  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') return interpolateString(node, path);
    if (Array.isArray(node)) return node.map((item: unknown, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        out[key] = walk(child, [...path, key]);
      }
      return out;
    }
    return node;
  };

  return { value: walk(value, []), issues, failedPaths };
}

// ---------------------------------------------------------------------------------------
// Validation

function validate(parsed: unknown, env: Record<string, string | undefined>, accounts: readonly AccountSchema[]): PatchbayConfig {
  const interpolated = interpolateEnv(parsed, env);
  const vendorIds = accounts.map((schema) => schema.shape.vendor.value);
  const result = createConfigSchema(accounts).safeParse(interpolated.value, { error: configErrorMap(vendorIds) });
  const schemaIssues = result.success ? [] : zodIssuesToConfigIssues(result.error.issues);
  const issues = [
    ...interpolated.issues,
    // A value that could not be interpolated is already reported.
    ...schemaIssues.filter((issue) => !interpolated.failedPaths.has(issue.path)),
  ];
  if (issues.length > 0 || !result.success) {
    throw new ConfigError(issues.length > 0 ? issues : [{ path: '', message: 'invalid config' }]);
  }
  return { accounts: result.data.accounts.map(asAccount), gateway: result.data.gateway, auth: result.data.auth, webhooks: result.data.webhooks };
}

/** A parsed account entry, typed: zod has checked these fields; TypeScript sees a record. */
function asAccount(entry: Record<string, unknown>): AccountConfig {
  const { id, vendor, baseUrl } = entry;
  if (typeof id !== 'string' || typeof vendor !== 'string' || typeof baseUrl !== 'string') throw new Error('a parsed account lacks id, vendor or baseUrl');
  return { ...entry, id, vendor, baseUrl };
}

/** `accounts[1].apiKey`; keys that are not identifiers are written `["like this"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else {
      const key = String(segment);
      if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) {
        out += out === '' ? key : `.${key}`;
      } else {
        out += `[${JSON.stringify(key)}]`;
      }
    }
  }
  return out;
}

function zodIssuesToConfigIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...issue.path, key]), message: 'unknown key' });
      }
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
}

function describeType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a mapping';
    default:
      return typeof input;
  }
}

const EXPECTED_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Whether an issue came from z.int() (whose type issues say "expected number"). */
function isIntegerSchema(inst: unknown): boolean {
  const format = (inst as { _zod?: { def?: { format?: unknown } } } | undefined)?._zod?.def?.format;
  return typeof format === 'string' && format.includes('int');
}

/**
 * Messages for zod's built-in issues, written from the issue's code and limits only:
 * never from the received value. Schema-level messages (ours) take precedence over this.
 */
export const configErrorMap =
  (vendorIds: readonly string[]) =>
  (issue: z.core.$ZodRawIssue): string => {
    switch (issue.code) {
      case 'invalid_type': {
        const atRoot = (issue.path ?? []).length === 0;
        if (atRoot && (issue.input === undefined || issue.input === null)) {
          return 'the config is empty: expected a mapping with an "accounts" list';
        }
        if (issue.input === undefined) return 'Required';
        const expected = isIntegerSchema(issue.inst) ? EXPECTED_NAMES['int'] : (EXPECTED_NAMES[issue.expected] ?? issue.expected);
        return `expected ${expected}, got ${describeType(issue.input)}`;
      }
      case 'invalid_union': {
        if (issue.discriminator !== undefined) {
          const listed: readonly unknown[] = Array.isArray(issue.options) ? issue.options : vendorIds;
          const options = listed.map((option) => String(option)).join(', ');
          const input: unknown = issue.input;
          const discriminant = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
          return discriminant === undefined ? `Required: must be one of ${options}` : `must be one of ${options}`;
        }
        return 'does not match any allowed shape';
      }
      case 'invalid_value': {
        const values: readonly unknown[] = Array.isArray(issue.values) ? issue.values : [];
        return `must be one of ${values.map((v) => String(v)).join(', ')}`;
      }
      case 'too_small': {
        const min = String(issue.minimum);
        if (issue.origin === 'string') {
          return issue.minimum === 1 ? 'must not be empty' : `must be at least ${min} characters`;
        }
        if (issue.origin === 'array' || issue.origin === 'set') return `must have at least ${min} items`;
        return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
      }
      case 'too_big': {
        const max = String(issue.maximum);
        if (issue.origin === 'string') return `must be at most ${max} characters`;
        if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${max} items`;
        return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
      }
      case 'invalid_format':
        return 'has an invalid format';
      case 'unrecognized_keys':
        return 'unknown key';
      default:
        return 'is invalid';
    }
  };
