import { z } from 'zod';

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
  installedTime: text,
  // The 2025 MCP server's field names for the same facts.
  modifiedTime: text,
  updatedTime: text,
  category: text,
  direction: text,
  ticketType: text,
  integration: z.looseObject({ id: text, name: text, multipleInstallations: z.boolean().nullish() }).nullish(),
  alertSource: z.looseObject({ id: z.union([z.number(), z.string()]).nullish(), name: text, displayName: text, techUid: text }).nullish(),
  parentIntg: z.looseObject({ id: text }).nullish(),
  inboundConfig: inboundConfig.nullish(),
  outboundConfig: outboundConfig.nullish(),
});
export type InstalledIntegrationWire = z.output<typeof installedIntegrationWire>;

/** OpsRamp's paging envelope, shared by the installed and the available searches. */
function searchPage<T extends z.ZodType>(item: T) {
  return z.looseObject({
    results: z.array(item).nullish(),
    totalResults: z.number().int().nonnegative().nullish(),
    pageNo: z.number().int().nullish(),
    pageSize: z.number().int().nullish(),
    totalPages: z.number().int().nullish(),
    nextPage: z.boolean().nullish(),
    nextPageNo: z.number().int().nullish(),
    previousPageNo: z.number().int().nullish(),
    descendingOrder: z.boolean().nullish(),
  });
}

export const installedSearchWire = searchPage(installedIntegrationWire);

export const availableIntegrationWire = z.looseObject({ id: z.string().min(1), name: text });
export type AvailableIntegrationWire = z.output<typeof availableIntegrationWire>;

export const availableSearchWire = searchPage(availableIntegrationWire);

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
