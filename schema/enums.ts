import { builder } from './builder.js';
import { CONNECTED_SERVICES, type ConnectedService } from '../src/core/vendor.js';

const SERVICE_DESCRIPTIONS: Partial<Record<ConnectedService, string>> = {
  OTHER: 'Anything Patchbay does not name yet; see the vendor-specific fields.',
  HTTP: 'A generic HTTP API (for example a Datadog HTTP connection).',
  WEBHOOK: 'An outbound webhook.',
};

export const ConnectedServiceEnum = builder.enumType('ConnectedService', {
  description: 'What a connection connects to, normalised across vendors.',
  values: Object.fromEntries(CONNECTED_SERVICES.map((service) => [service, { value: service, description: SERVICE_DESCRIPTIONS[service] ?? `Connects to ${service}.` }])) as Record<
    ConnectedService,
    { value: ConnectedService; description: string }
  >,
});
