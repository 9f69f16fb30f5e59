import type { SimResponse } from '../base.js';
import { GRPC_CODE, REDACTED, REDACTED_PATHS } from './contract.js';
import { setPath, textAt, type StoredConnection } from './state.js';

/*
 * Chronosphere's wire shapes for answers (CONTRACT.md, "Resource fields"
 * and "Errors"): proto3 JSON through grpc-gateway.
 */

export function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

/** The swagger's `apiError`: `{code, message}`, `code` being the gRPC status code. */
export function apiError(status: number, code: number, message: string): SimResponse {
  return { status, body: { code, message } };
}

export function invalid(problems: readonly string[]): SimResponse {
  return apiError(400, GRPC_CODE.invalidArgument, `invalid external connection: ${problems.join('; ')}`);
}

export function notFound(slug: string): SimResponse {
  return apiError(404, GRPC_CODE.notFound, `external connection ${JSON.stringify(slug)} not found`);
}

/** RFC 3339 without milliseconds, as protojson writes a whole-second timestamp. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

/** The wire object: secrets replaced by `**REDACTED**`, then proto3 JSON (empty values left out). */
export function renderConnection(connection: StoredConnection): Record<string, unknown> {
  let config = connection.config;
  for (const path of REDACTED_PATHS[connection.block]) {
    if (textAt(config, path) !== undefined) config = setPath(config, path, REDACTED);
  }
  return protoJson({
    slug: connection.slug,
    name: connection.name,
    created_at: connection.createdAt,
    updated_at: connection.updatedAt,
    [connection.block]: config,
  });
}

/**
 * `wire` with `patch` laid over it, for a test that needs an item breaking the contract: a member
 * set to `undefined` is left out of the JSON, any other value replaces the member as it is.
 */
export function breakWire(wire: Record<string, unknown>, patch: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  return patch === undefined ? wire : { ...wire, ...patch };
}

/** proto3 JSON leaves out empty strings, `false` and empty lists, but keeps set messages (even empty). */
export function protoJson(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === '' || member === false || member === null || member === undefined) continue;
    if (Array.isArray(member)) {
      if (member.length > 0) out[key] = member;
    } else if (typeof member === 'object') {
      out[key] = protoJson(member as Record<string, unknown>);
    } else {
      out[key] = member;
    }
  }
  return out;
}
