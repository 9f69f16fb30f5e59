/** One HTTP header or URL parameter of an HTTP connection. */
export interface HttpNameValue {
  readonly name: string;
  readonly value: string;
}

/** One HTTP token; `value` is a secret. */
export interface HttpToken {
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

/** The optional request body template of an HTTP connection. */
export interface HttpBody {
  readonly content?: string;
  readonly content_type?: string;
}

/** Stored credentials of every integration type except HTTP: flat wire fields, secrets included. */
interface StoredFieldsIntegration {
  readonly kind: 'fields';
  readonly type: string;
  readonly credentialType: string;
  /** Wire name → value; empty optional fields are absent. AWS includes `external_id`, `principal_id`. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Stored HTTP integration (`HTTPTokenAuth`), token values included. */
interface StoredHttpIntegration {
  readonly kind: 'http';
  readonly type: string;
  readonly credentialType: string;
  readonly baseUrl: string;
  readonly headers: readonly HttpNameValue[];
  readonly tokens: readonly HttpToken[];
  readonly urlParameters: readonly HttpNameValue[];
  readonly body?: HttpBody;
}

export type StoredIntegration = StoredFieldsIntegration | StoredHttpIntegration;

/** An action connection as the simulator holds it, secrets included (never sent by default). */
export interface StoredConnection {
  readonly id: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly integration: StoredIntegration;
  /** When it was created and last changed (epoch milliseconds); sent as `created_at` and `last_updated`. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The user who created it; sent as `relationships.created_by`. */
  readonly createdBy: string;
}

/** What one Datadog org holds: action connections and app key registrations, in memory. */
export class DatadogState {
  readonly connections = new Map<string, StoredConnection>();
  /** Registered app key ids, in registration order. */
  readonly appKeys = new Set<string>();
  /** Test knob: raw attribute values laid over a connection's answers, by connection id (see `malformConnection`). */
  readonly malformed = new Map<string, Readonly<Record<string, unknown>>>();

  constructor(private readonly seed: () => { readonly connections: readonly StoredConnection[]; readonly appKeyIds: readonly string[] }) {}

  /** Restores the seed. */
  reset(): void {
    const seed = this.seed();
    this.connections.clear();
    for (const connection of seed.connections) this.connections.set(connection.id, connection);
    this.appKeys.clear();
    for (const id of seed.appKeyIds) this.appKeys.add(id);
    this.malformed.clear();
  }
}
