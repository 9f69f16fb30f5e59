import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  type DirectiveNode,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { useExecutionCancellation, type Plugin } from 'graphql-yoga';
import { declaredVendorCalls } from '../../schema/vendor-calls.js';
import type { GatewayConfig } from '../core/config/schema.js';

type Limits = GatewayConfig['limits'];

/** What the cost model counts in one operation, fragments expanded and every alias counted. */
export interface OperationTally {
  /** Vendor calls the operation may start: each vendor-calling field's fan-out, summed. */
  readonly cost: number;
  /** Root fields of a mutation. */
  readonly mutations: number;
  /** `@defer` and `@stream` uses. */
  readonly deferred: number;
  /** The longest `[ID!]` argument given to one field. */
  readonly mostIds: number;
}

const EMPTY: OperationTally = { cost: 0, mutations: 0, deferred: 0, mostIds: 0 };

function add(a: OperationTally, b: OperationTally): OperationTally {
  return { cost: a.cost + b.cost, mutations: a.mutations + b.mutations, deferred: a.deferred + b.deferred, mostIds: Math.max(a.mostIds, b.mostIds) };
}

function deferrals(directives: readonly DirectiveNode[] | undefined): number {
  return directives?.filter((d) => d.name.value === 'defer' || d.name.value === 'stream').length ?? 0;
}

/** How many items a list argument was given: a literal list, a list variable, or one value (coerced to a list of one). */
function listLength(value: ValueNode, variables: Readonly<Record<string, unknown>>): number {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.NULL) return 0;
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    if (Array.isArray(given)) return given.length;
    return given === null || given === undefined ? 0 : 1;
  }
  return 1;
}

/**
 * Counts what an operation would do before it runs, from the document, the variables and the
 * fields' declared fan-out (schema/vendor-calls.ts). Each fragment is counted once per place it is
 * spread, but walked once (memoised), so a fragment that spreads another twice, many times over,
 * costs time in proportion to the document and still counts every field it would run.
 */
export function tallyOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>>,
  accounts: number,
): OperationTally {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return EMPTY;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const memo = new Map<string, OperationTally>();
  const isMutation = operation.operation === 'mutation';

  const fieldTally = (field: GraphQLField<unknown, unknown>, node: FieldNode, root: boolean): OperationTally => {
    const declared = declaredVendorCalls(field.extensions);
    const base = declared === 'perAccount' ? accounts : (declared ?? (root ? 1 : 0));
    let ids = 0;
    for (const argument of node.arguments ?? []) {
      const definition = field.args.find((a) => a.name === argument.name.value);
      if (!definition) continue;
      const type = getNullableType(definition.type);
      if (isListType(type) && getNamedType(type).name === 'ID') ids = Math.max(ids, listLength(argument.value, variables));
    }
    return { cost: ids > 0 ? base * ids : base, mutations: root && isMutation ? 1 : 0, deferred: 0, mostIds: ids };
  };

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, root: boolean, path: readonly string[]): OperationTally => {
    let tally = EMPTY;
    for (const selection of selectionSet.selections) {
      tally = add(tally, { ...EMPTY, deferred: deferrals(selection.directives) });
      if (selection.kind === Kind.FIELD) {
        // Introspection calls no vendor.
        if (selection.name.value.startsWith('__')) continue;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        tally = add(tally, fieldTally(field, selection, root));
        if (selection.selectionSet) tally = add(tally, walk(selection.selectionSet, getNamedType(field.type), false, path));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        tally = add(tally, walk(selection.selectionSet, type ?? undefined, root, path));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Validation refuses unknown fragments and cycles; the path guard keeps this walk finite regardless.
        if (!fragment || path.includes(name)) continue;
        const key = `${root ? 'root' : 'nested'}:${name}`;
        let counted = memo.get(key);
        if (!counted) {
          counted = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, root, [...path, name]);
          memo.set(key, counted);
        }
        tally = add(tally, counted);
      }
    }
    return tally;
  };

  return walk(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, true, []);
}

/** A refusal before execution; `limit` names the config key (under `gateway.limits`) that refused it. */
function limitError(limit: keyof Limits, message: string, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit, http: { status } } });
}

/** The first limit the tally breaks, as the error to answer with. */
export function checkTally(tally: OperationTally, limits: Limits): GraphQLError | null {
  if (tally.mutations > limits.maxMutations) return limitError('maxMutations', `The request has ${tally.mutations} mutations; at most ${limits.maxMutations} may run in one request.`);
  if (tally.mostIds > limits.maxIds) return limitError('maxIds', `A field was given ${tally.mostIds} ids; at most ${limits.maxIds} may be asked for at once.`);
  if (tally.deferred > limits.maxDeferred) return limitError('maxDeferred', `The operation uses @defer or @stream ${tally.deferred} times; at most ${limits.maxDeferred} are allowed.`);
  if (tally.cost > limits.costLimit) return limitError('costLimit', `The operation could make ${tally.cost} vendor calls; at most ${limits.costLimit} are allowed per request.`);
  return null;
}

/** Tallies kept per document for its variable shapes; past this many shapes a document's are dropped and counted afresh. */
const TALLY_SHAPES_PER_DOCUMENT = 32;

/**
 * What of the variables a tally depends on: only how long each list is (or that it is null,
 * absent or a single value), as {@link listLength} reads them. Two requests with the same
 * document, operation and shape are tallied alike, whatever the ids in them.
 */
function variableShape(operationName: string | null | undefined, variables: Readonly<Record<string, unknown>>): string {
  let shape = operationName ?? '';
  for (const [name, value] of Object.entries(variables)) shape += `\0${name}=${Array.isArray(value) ? value.length : value === null || value === undefined ? 'null' : 'one'}`;
  return shape;
}

/**
 * Tallies an operation once per document (the same object for every request with the same query
 * text, from Yoga's parse cache) and variable shape, instead of walking the document on every
 * request; a document no longer cached is dropped with its tallies.
 */
function cachedTally(accounts: number): (args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>) => OperationTally {
  const byDocument = new WeakMap<DocumentNode, { readonly schema: GraphQLSchema; readonly tallies: Map<string, OperationTally> }>();
  return (args) => {
    const variables = args.variableValues ?? {};
    let entry = byDocument.get(args.document);
    if (entry?.schema !== args.schema) {
      entry = { schema: args.schema, tallies: new Map() };
      byDocument.set(args.document, entry);
    }
    const shape = variableShape(args.operationName, variables);
    let tally = entry.tallies.get(shape);
    if (!tally) {
      tally = tallyOperation(args.schema, args.document, args.operationName, variables, accounts);
      if (entry.tallies.size >= TALLY_SHAPES_PER_DOCUMENT) entry.tallies.clear();
      entry.tallies.set(shape, tally);
    }
    return tally;
  };
}

/** Refuses, before anything runs, an operation whose cost, mutations, ids or deferrals are over the limits. */
function costPlugin(limits: Limits, accounts: number): Plugin {
  const tally = cachedTally(accounts);
  const check = ({
    args,
    setResultAndStopExecution,
  }: {
    args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>;
    setResultAndStopExecution: (result: { errors: GraphQLError[] }) => void;
  }) => {
    const refused = checkTally(tally(args), limits);
    if (refused) setResultAndStopExecution({ errors: [refused] });
  };
  // A subscription is counted once as it starts: what each of its events would cost, the same as a query's result.
  return { onExecute: check, onSubscribe: check };
}

/** Refuses a query text over `maxQueryBytes` before it is parsed: parsing and validating is where a huge query spends its time. */
function querySizePlugin(limits: Limits): Plugin {
  return {
    onParams: ({ params, setResult }) => {
      const query = params.query ?? '';
      if (query.length * 3 <= limits.maxQueryBytes || Buffer.byteLength(query, 'utf8') <= limits.maxQueryBytes) return;
      setResult({ errors: [limitError('maxQueryBytes', `The query is larger than ${limits.maxQueryBytes} bytes.`, 413)] });
    },
  };
}

/** Removes graphql-js's "Did you mean …?" hints (fields, arguments, types, enum values): they map the schema for whoever guesses. */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, '');
}

function noSuggestionsPlugin(): Plugin {
  const scrub = (errors: readonly Error[]) => {
    // Rewritten in place, as no-value-echo.ts does: the error keeps its class, locations and path.
    for (const error of errors) error.message = withoutSuggestions(error.message);
  };
  return {
    onValidate:
      () =>
      ({ result }) =>
        scrub(result),
    onExecute: () => ({
      onExecuteDone: ({ result }) => {
        if (!(Symbol.asyncIterator in result) && result.errors) scrub(result.errors);
        return undefined;
      },
    }),
    onSubscribe: () => ({
      onSubscribeResult: ({ result }) => {
        if (!(Symbol.asyncIterator in result) && result.errors) scrub(result.errors);
      },
    }),
  };
}

function noIntrospectionPlugin(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) };
}

/** What the operation limits need of the gateway. */
export interface OperationLimitsOptions {
  readonly gateway: GatewayConfig;
  /** Configured accounts: the fan-out of a field that asks every account. */
  readonly accounts: number;
}

/**
 * Every check an operation passes before it runs, in the order Yoga meets them: the query's size
 * (before parsing), its tokens (while parsing), depth, aliases and directives (graphql-armor's
 * validation rules), introspection, then the cost model with the variables (mutations, ids,
 * deferrals, vendor calls). Last, execution follows the request's abort signal, so a client that
 * goes away stops the fields that have not started yet (and src/core/http/stages/deadline.ts
 * refuses any vendor call a running field would still make).
 */
export function operationLimitPlugins({ gateway, accounts }: OperationLimitsOptions): Plugin[] {
  const { limits } = gateway;
  const plugins: Plugin[] = [
    querySizePlugin(limits),
    maxTokensPlugin({ n: limits.maxTokens }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true }),
    maxAliasesPlugin({ n: limits.maxAliases }),
    maxDirectivesPlugin({ n: limits.maxDirectives }),
  ];
  if (gateway.introspection === false) plugins.push(noIntrospectionPlugin());
  if (gateway.fieldSuggestions === false) plugins.push(noSuggestionsPlugin());
  plugins.push(costPlugin(limits, accounts), useExecutionCancellation());
  return plugins;
}

/**
 * Config mode's gateway settings as the environment completes them: with `NODE_ENV=production`,
 * introspection and field suggestions are off unless the file turns them on. Demo mode does not
 * call this: it keeps both (GraphiQL needs introspection).
 */
export function withEnvironmentDefaults(gateway: GatewayConfig, nodeEnv: string | undefined): GatewayConfig {
  const open = nodeEnv !== 'production';
  return { ...gateway, introspection: gateway.introspection ?? open, fieldSuggestions: gateway.fieldSuggestions ?? open };
}
