import { builder } from '../../schema/builder.js';
import { READ_ERRORS } from '../../schema/errors.js';
import { OpsRampAvailableIntegrationListType } from '../../schema/opsramp/mutations.js';
import { requireAccount } from '../../src/app/lookup.js';
import { availableQueryString } from '../../src/vendors/opsramp/input.js';
import { opsRampRuntime } from '../../src/vendors/opsramp/runtime.js';

builder.queryField('opsRampAvailableIntegrations', (t) =>
  t.field({
    type: OpsRampAvailableIntegrationListType,
    description: 'The catalogue of integrations an OpsRamp account’s tenant can install, every page of it, optionally narrowed by name.',
    args: {
      account: t.arg.string({ required: true, description: 'The OpsRamp account, by its config key.' }),
      search: t.arg.string({ description: 'Part of an integration name or id (no `+` or `:`, which are OpsRamp’s query separators).' }),
    },
    errors: { types: [...READ_ERRORS], directResult: true, union: { name: 'OpsRampAvailableIntegrationsResult', description: 'The catalogue, or why it could not be read.' } },
    resolve: async (_, args, context) => {
      const { client, ref } = requireAccount(context, args.account, opsRampRuntime);
      const listed = await client.listAvailable(context.scope, availableQueryString(args.search));
      const itemFailures = listed.failures.map((failure) => ({ account: ref, part: null, vendorId: failure.vendorId, error: failure.error }));
      return { nodes: listed.items, totalCount: listed.items.length, itemFailures };
    },
  }),
);
