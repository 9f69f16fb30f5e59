import { z } from 'zod';
import { looseNumber, tolerantList } from '../../core/http/tolerant.js';

/*
 * OpsRamp's JSON as its 2021 v2 spec, its examples and the seed page show it
 * (docs/vendors/opsramp/CONTRACT.md). Everything is optional and loose: the spec
 * declares no required fields, its examples omit most of them, and the current platform returns
 * more than the spec does ("newer response shape"). Name variants the material disagrees on
 * (`thirdParty*` / `tenant*`, `accessTokenURI` / `accessTokenURL`) are both read here and
 * reconciled in map.ts.
 */

/** A string that may also arrive as null (the spec does not say). */
const text = z.string().nullish();

/** A paging count OpsRamp may send as a number or as a string of digits. */
const count = looseNumber.nullish();

/** A flag OpsRamp may send as a boolean or as the text `true` / `false`. */
const flag = z
  .union([
    z.boolean(),
    z
      .string()
      .regex(/^(true|false)$/i)
      .transform((value) => value.toLowerCase() === 'true'),
  ])
  .nullish();

/**
 * A point in time: the 2021 spec's `2020-10-08T07:25:24+0100` text, or epoch milliseconds (a
 * number or a string of digits) as newer platforms send; map.ts reads each form.
 */
const time = z.union([z.number(), z.string()]).nullish();

/** A key/value pair of a JWT notifier (token headers, token paths, resource headers). */
const keyValue = z.looseObject({ key: text, value: text });

const attrValue = z.looseObject({
  attrValue: text,
  thirdPartyAttrValue: text,
  tenantAttrValue: text,
});

export const mapAttributeWire = z.looseObject({
  name: text,
  attrName: text,
  entityType: text,
  thirdPartyAttrName: text,
  tenantAttrName: text,
  thirdPartyEntityType: text,
  tenantEntityType: text,
  mode: text,
  attrValues: z.array(attrValue).nullish(),
});
export type MapAttributeWire = z.output<typeof mapAttributeWire>;

const webhookDetail = z.looseObject({ webhookEntityType: text, url: text });

export const authenticationWire = z.looseObject({
  authType: text,
  role: z.looseObject({ uniqueId: text, name: text }).nullish(),
  apiKeyPairs: z.array(z.looseObject({ key: text, secret: text })).nullish(),
  token: text,
  // One spec example puts the webhook details inside `authentication`; read them there too.
  webhookUrl: text,
  entityTypes: z.array(z.string()).nullish(),
  webhookDetails: z.array(webhookDetail).nullish(),
});
export type AuthenticationWire = z.output<typeof authenticationWire>;

export const notifierWire = z.looseObject({
  type: text,
  baseURI: text,
  authType: text,
  grantType: text,
  userName: text,
  password: text,
  apiKey: text,
  apiSecret: text,
  accessTokenURI: text,
  accessTokenURL: text,
  tokenURL: text,
  tokenPayload: z.unknown().optional(),
  tokenHeaders: z.array(keyValue).nullish(),
  tokensPath: z.array(keyValue).nullish(),
  resourceAuthHeaders: z.array(keyValue).nullish(),
});
export type NotifierWire = z.output<typeof notifierWire>;

const inboundConfig = z.looseObject({
  authentication: authenticationWire.nullish(),
  mapAttributes: z.array(mapAttributeWire).nullish(),
  dropAlerts: z.boolean().nullish(),
  entityTypes: z.array(z.string()).nullish(),
  webhookUris: z.array(webhookDetail).nullish(),
});

const outboundConfig = z.looseObject({
  mapAttributes: z.array(mapAttributeWire).nullish(),
  baseNotifier: notifierWire.nullish(),
});

export const installedIntegrationWire = z.looseObject({
  id: z.string().min(1),
  displayName: text,
  description: text,
  status: text,
  installedBy: text,
  installedTime: time,
  // The current platform's audit and lifecycle fields (opsramp/or-mcp-v2 `pkg/types/integrations.go`):
  // the 2021 spec has none of them, so each may be absent.
  createdBy: text,
  createdTime: time,
  updatedBy: text,
  updatedTime: time,
  modifiedBy: text,
  modifiedTime: time,
  state: text,
  version: z.union([z.string(), z.number()]).nullish(),
  updateAvailable: flag,
  category: text,
  direction: text,
  ticketType: text,
  integration: z.looseObject({ id: text, name: text, multipleInstallations: flag }).nullish(),
  alertSource: z.looseObject({ id: z.union([z.number(), z.string()]).nullish(), name: text, displayName: text, techUid: text }).nullish(),
  parentIntg: z.looseObject({ id: text }).nullish(),
  inboundConfig: inboundConfig.nullish(),
  outboundConfig: outboundConfig.nullish(),
});
export type InstalledIntegrationWire = z.output<typeof installedIntegrationWire>;

/**
 * OpsRamp's paging envelope, shared by the installed and the available searches. Its `results`
 * are read item by item (one item that breaks the contract is an item failure, the others are
 * read); counts and flags may come as text (CONTRACT.md, "Pagination").
 */
function searchPage<T>(results: z.ZodType<T>) {
  return z.looseObject({
    results: results.nullish(),
    totalResults: count,
    pageNo: count,
    pageSize: count,
    totalPages: count,
    nextPage: flag,
    nextPageNo: count,
    previousPageNo: count,
    descendingOrder: flag,
  });
}

export const installedSearchWire = searchPage(tolerantList(installedIntegrationWire, { idField: 'id', what: 'installed integration' }));

/** A catalogue reference as `{id, name}`. */
const catalogueRef = z.looseObject({ id: text, name: text });

/**
 * One entry of the catalogue (`available/search`). The spec's example gives `{id, name}`;
 * OpsRamp's own client (opsramp/or-mcp-v2 `ListTypes`) reads `{type: {id, name}}`, where the
 * top-level fields, if any, describe something else. Both are read; an entry with neither id is
 * an item failure.
 */
export const availableIntegrationWire = z.looseObject({ id: text, name: text, type: z.union([catalogueRef, z.string()]).nullish() }).transform((wire, context) => {
  const typed = typeof wire.type === 'object' && wire.type !== null ? wire.type : null;
  const id = typed?.id || wire.id;
  if (!id) {
    context.addIssue({ code: 'custom', path: ['id'], message: 'neither id nor type.id is set' });
    return z.NEVER;
  }
  return { id, name: (typed?.id ? typed.name : wire.name) ?? null };
});
export type AvailableIntegrationWire = z.output<typeof availableIntegrationWire>;

export const availableSearchWire = searchPage(tolerantList(availableIntegrationWire, { idField: 'id', what: 'catalogue integration' }));

/**
 * The token answer. `expires_in` is typed string in the schema but the example is a number; both
 * are read. It may be absent on a non-conforming server, which the client tolerates.
 */
export const tokenWire = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: z.union([z.number().nonnegative(), z.string().regex(/^\d+$/)]).nullish(),
  scope: text,
});
export type TokenWire = z.output<typeof tokenWire>;

/**
 * Error bodies. OAuth and throttling errors use `{error, error_description}` (documented); no
 * source shows the integration endpoints' error bodies, so the common Spring/OpsRamp shapes
 * (`{code, message}`, a list of them) are read as well.
 */
const errorObject = z.looseObject({
  error: text,
  error_description: text,
  code: z.union([z.string(), z.number()]).nullish(),
  message: text,
});
export const errorBodyWire = z.union([errorObject, z.array(errorObject)]);
