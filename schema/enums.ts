import { builder } from './builder.js';
import { CONNECTED_SERVICES, type ConnectedService, type VendorId } from '../src/core/vendor.js';

const VENDOR_VALUES = {
  DATADOG: { value: 'datadog', description: 'Datadog (Action Connections, API v2).' },
  CHRONOSPHERE: { value: 'chronosphere', description: 'Chronosphere (external connections, config API v1).' },
  MONGODB_CLOUD_MANAGER: { value: 'mongodb', description: 'MongoDB Cloud Manager (project third-party integrations).' },
  CORTEX: { value: 'cortex', description: 'Cortex (workspace PagerDuty configuration).' },
  OPSRAMP: { value: 'opsramp', description: 'OpsRamp (installed integrations).' },
} as const satisfies Record<string, { value: VendorId; description: string }>;

export const VendorEnum = builder.enumType('Vendor', {
  description: 'A vendor Patchbay federates.',
  values: VENDOR_VALUES,
});

const SERVICE_DESCRIPTIONS: Partial<Record<ConnectedService, string>> = {
  OTHER: 'Anything Patchbay does not name yet; see the vendor-specific fields.',
  HTTP: 'A generic HTTP API (for example a Datadog HTTP connection).',
  WEBHOOK: 'An outbound webhook.',
};

export const ConnectedServiceEnum = builder.enumType('ConnectedService', {
  description: 'What a connection connects to, normalised across vendors.',
  values: Object.fromEntries(
    CONNECTED_SERVICES.map((service) => [service, { value: service, description: SERVICE_DESCRIPTIONS[service] ?? `Connects to ${service}.` }]),
  ) as Record<ConnectedService, { value: ConnectedService; description: string }>,
});
