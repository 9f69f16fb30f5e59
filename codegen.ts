import type { CodegenConfig } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';
import { printableSchema } from './src/server/schema.js';

/**
 * Prints the code-first schema as sorted SDL into schema/schema.graphql, the contract that
 * typed clients generate from. `npm run codegen:check` fails when the committed file is stale.
 */
const config: CodegenConfig = {
  schema: printSchema(printableSchema()),
  generates: {
    'schema/schema.graphql': {
      plugins: ['schema-ast'],
      config: { includeDirectives: true, sort: true, commentDescriptions: false },
    },
  },
  silent: true,
};

export default config;
