import { builder } from '../schema/builder.js';
import { ConnectionResultUnion } from '../schema/integration-connection.js';
import { parseDatadogConnectionId } from '../schema/datadog/action-connection.js';
import { parseChronosphereConnectionId } from '../schema/chronosphere/external-connection.js';
import { parseCortexConfigurationId } from '../schema/cortex/pagerduty-configuration.js';
import { parseMongoDbIntegrationId } from '../schema/mongodb/integration.js';
import { opsRampIntegrationKey } from '../schema/opsramp/installed-integration.js';
import { loadMongoDbIntegration } from '../src/vendors/mongodb/loaders.js';
import type { AnyConnection } from '../src/app/connections.js';
import { NotFoundError } from '../src/core/errors.js';
import { isReadError, type ReadError } from '../schema/errors.js';
import { decodeGlobalId } from '../src/core/ids.js';
import { loadOnce } from '../src/app/loaders/index.js';

builder.queryField('connection', (t) =>
  t.field({
    type: ConnectionResultUnion,
    description: 'One connection by its global id, or a typed error saying why it cannot be read.',
    args: { id: t.arg.id({ required: true, description: 'The connection’s global id.' }) },
    resolve: async (_, { id }, context): Promise<AnyConnection | ReadError> => {
      const notFound = new NotFoundError(`No connection has the id "${id}".`, id);
      const decoded = decodeGlobalId(id);
      try {
        switch (decoded.typename) {
          case 'DatadogActionConnection': {
            const key = parseDatadogConnectionId(decoded.id);
            if (!key || !context.accounts.ofVendor(key.account, 'datadog')) return notFound;
            return await loadOnce(context.loaders.datadogConnection, key);
          }
          case 'ChronosphereExternalConnection': {
            const key = parseChronosphereConnectionId(decoded.id);
            if (!key || !context.accounts.ofVendor(key.account, 'chronosphere')) return notFound;
            return await loadOnce(context.loaders.chronosphereConnection, key);
          }
          case 'CortexPagerDutyConfiguration': {
            const key = parseCortexConfigurationId(decoded.id);
            if (!key || !context.accounts.ofVendor(key.account, 'cortex')) return notFound;
            return await loadOnce(context.loaders.cortexPagerDutyConfiguration, key.account);
          }
          case 'MongoDbIntegration': {
            // Null also for a project outside the account's configured groupIds.
            const key = parseMongoDbIntegrationId(context, decoded.id);
            if (!key) return notFound;
            return await loadMongoDbIntegration(context.loaders.mongoDbGroup, key);
          }
          case 'OpsRampInstalledIntegration': {
            // Null also when the account now points at another tenant than the id names.
            const key = opsRampIntegrationKey(context, decoded.id);
            if (!key) return notFound;
            return await loadOnce(context.loaders.opsRampInstalledIntegration, key);
          }
          default:
            return notFound;
        }
      } catch (error) {
        if (error instanceof NotFoundError) return notFound;
        if (isReadError(error)) return error;
        throw error;
      }
    },
  }),
);
