import { builder } from '../schema/builder.js';
import { isReadError, type ReadError } from '../schema/errors.js';
import { vendorTypes } from '../schema/vendor-types.js';
import { readInnerId } from '../src/app/lookup.js';
import type { ConnectionBase } from '../src/core/domain.js';
import { NotFoundError } from '../src/core/errors.js';
import { decodeGlobalId } from '../src/core/ids.js';

builder.queryField('connection', (t) =>
  t.field({
    type: vendorTypes().connectionResult,
    description: 'One connection by its global id, or a typed error saying why it cannot be read.',
    args: { id: t.arg.id({ required: true, description: 'The connection’s global id.' }) },
    resolve: async (_, { id }, context): Promise<ConnectionBase | ReadError> => {
      const notFound = new NotFoundError(`No connection has the id "${id}".`, id);
      const decoded = decodeGlobalId(id);
      // The id's type names the vendor; each vendor parses its own key (null when it names nothing).
      const vendor = context.accounts.vendorOfTypename(decoded.typename);
      if (!vendor) return notFound;
      try {
        return (await readInnerId(context, vendor, decoded.id)) ?? notFound;
      } catch (error) {
        // The vendor's "not found" keeps its code (e.g. Cloud Manager's GROUP_NOT_FOUND for a missing project).
        if (error instanceof NotFoundError) return new NotFoundError(`No connection has the id "${id}": ${error.message}`, id, error.vendorCode);
        if (isReadError(error)) return error;
        throw error;
      }
    },
  }),
);
