import { builder } from '../src/builder.js';
import { ConnectionResultUnion } from '../schema/integration-connection.js';
import { parseDatadogConnectionId } from '../schema/datadog/action-connection.js';
import type { AnyConnection } from '../src/connections.js';
import { NotFoundError } from '../src/errors.js';
import { isReadError, type ReadError } from '../schema/errors.js';
import { decodeGlobalId } from '../src/ids.js';
import { loadOnce } from '../src/loaders/index.js';

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
