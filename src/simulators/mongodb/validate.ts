import type { SimRequest, SimResponse } from '../base.js';
import type { FieldRule } from './contract.js';
import { errorResponse } from './render.js';

/** The fields to store, or the vendor's 400. */
export type Validated = { readonly fields: Record<string, string | boolean> } | SimResponse;

/**
 * Judges a POST or PUT body against the type's request fields (CONTRACT.md,
 * "Per-type fields"): `type` must equal the path segment, required fields must be present, enum
 * values and URLs must be valid, and a field the type does not have is refused.
 */
export function validateBody(request: SimRequest, type: string, rules: Readonly<Record<string, FieldRule>>): Validated {
  const bad = (errorCode: string, detail: string, parameters: readonly unknown[]): SimResponse => errorResponse(400, errorCode, detail, parameters);
  const body = request.body;
  if (request.bodyInvalid || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return bad('INVALID_JSON', 'Received JSON is malformed.', []);
  }
  const members = new Map(Object.entries(body));
  if (members.get('type') === undefined) return bad('MISSING_ATTRIBUTE', 'The required attribute type was not specified.', ['type']);
  if (members.get('type') !== type) return bad('INVALID_ATTRIBUTE', 'Invalid attribute type specified.', ['type']);
  for (const key of members.keys()) {
    // `id` is read-only in Atlas and ignored on input; anything else unknown is refused.
    if (key !== 'type' && key !== 'id' && rules[key] === undefined) return bad('INVALID_ATTRIBUTE', `Invalid attribute ${key} specified.`, [key]);
  }
  const fields: Record<string, string | boolean> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const value = members.get(name);
    if (value === undefined || value === null || value === '') {
      if (rule.required) return bad('MISSING_ATTRIBUTE', `The required attribute ${name} was not specified.`, [name]);
      continue;
    }
    const invalidAttribute = bad('INVALID_ATTRIBUTE', `Invalid attribute ${name} specified.`, [name]);
    if (typeof value === 'boolean') {
      if (rule.kind !== 'boolean') return invalidAttribute;
      fields[name] = value;
      continue;
    }
    if (typeof value !== 'string' || rule.kind !== 'string') return invalidAttribute;
    if (rule.values && !rule.values.includes(value)) return invalidAttribute;
    if (rule.maxLength !== undefined && value.length > rule.maxLength) return invalidAttribute;
    if (rule.readback === 'url' && !isHttpUrl(value)) return invalidAttribute;
    fields[name] = value;
  }
  // Documented: an https Prometheus endpoint needs the PEM file.
  if (type === 'PROMETHEUS' && fields['scheme'] === 'https' && fields['tlsPemPath'] === undefined) {
    return bad('MISSING_ATTRIBUTE', 'The required attribute tlsPemPath was not specified.', ['tlsPemPath']);
  }
  return { fields };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
