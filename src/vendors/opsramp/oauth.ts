import { NotFoundError, VendorAuthError, VendorContractError, VendorValidationError } from '../../core/errors.js';
import type { AuthChallenge, AuthRequest, AuthStrategy, CallScope, VendorHttp, VendorResponse } from '../../core/http/vendor-http.js';
import { type TokenWire, tokenWire } from './wire.js';

/**
 * OpsRamp's token endpoint as its current API documentation and its own clients call it
 * (`/tenancy/auth/oauth/token`; CONTRACT.md, "Base URL and authentication"), on the API's host.
 */
export const OPSRAMP_TOKEN_PATH = '/tenancy/auth/oauth/token';

/** The path of the 2021 spec (opsramp-auth.v2.yaml), which older instances serve. */
export const OPSRAMP_LEGACY_TOKEN_PATH = '/auth/oauth/token';

/** A token is renewed this long before it expires, at most (a tenth of its lifetime when shorter). */
const MAX_REFRESH_MARGIN_MS = 60_000;

/** Lifetime assumed when OpsRamp leaves `expires_in` out; a 401 renews it early anyway. */
const ASSUMED_LIFETIME_SECONDS = 300;

/** Options of {@link OpsRampOAuth}. */
export interface OpsRampOAuthOptions {
  /** Transport for the token endpoint; it must not itself authenticate. */
  readonly http: VendorHttp;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * The account's `tokenPath`, when its config sets one: then only that path is asked. Without it
   * the documented path is asked first and the 2021 one once when the first answers 404.
   */
  readonly tokenPath?: string | undefined;
  /** Clock in epoch milliseconds; injectable so tests can expire tokens without sleeping. */
  readonly now?: () => number;
}

interface CachedToken {
  readonly value: string;
  readonly refreshAt: number;
}

/**
 * OAuth2 client credentials for OpsRamp (CONTRACT.md, "Base URL and authentication"). The bearer
 * token is cached until shortly before `expires_in`; concurrent callers share one in-flight token
 * request; a 401/407 drops the token that was refused and asks for one resend with a new token.
 * Neither the token nor the client secret is ever logged or put into an error.
 */
export class OpsRampOAuth implements AuthStrategy {
  private cached: CachedToken | null = null;
  private pending: Promise<string> | null = null;
  /** Which token (and whose deadline) each attempt carried, so a refusal drops only that token. */
  private readonly sentWith = new WeakMap<AuthRequest, { readonly token: string; readonly scope: CallScope }>();
  private readonly now: () => number;
  /** The token path that last issued a token, asked first from then on (so a fallback costs one 404, once). */
  private workingPath: string | null = null;

  constructor(private readonly options: OpsRampOAuthOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The paths to ask, in order: a configured path alone, else the known-good (or documented) one and then the other. */
  private candidatePaths(): readonly string[] {
    if (this.options.tokenPath !== undefined) return [this.options.tokenPath];
    const first = this.workingPath ?? OPSRAMP_TOKEN_PATH;
    return [first, first === OPSRAMP_TOKEN_PATH ? OPSRAMP_LEGACY_TOKEN_PATH : OPSRAMP_TOKEN_PATH];
  }

  /**
   * A valid bearer token: the cached one, or a new one from OpsRamp. Clients call this before a
   * request so that a refused token request surfaces as its own typed error.
   */
  async token(scope: CallScope): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.value;
    if (this.pending) return this.pending;
    const pending = this.requestToken(scope).finally(() => {
      if (this.pending === pending) this.pending = null;
    });
    this.pending = pending;
    return pending;
  }

  async headers(request: AuthRequest, scope: CallScope): Promise<Record<string, string>> {
    const token = await this.token(scope);
    this.sentWith.set(request, { token, scope });
    return { authorization: `Bearer ${token}` };
  }

  async onRefused(_challenge: AuthChallenge, request: AuthRequest): Promise<boolean> {
    const sent = this.sentWith.get(request);
    // Another request may already have replaced the refused token; keep the newer one.
    if (this.cached && (!sent || this.cached.value === sent.token)) this.cached = null;
    await this.token(sent?.scope ?? {});
    return true;
  }

  private async requestToken(scope: CallScope): Promise<string> {
    const issuedAt = this.now();
    // The token is shared by every request waiting for it, so one client going away must not cancel it.
    const tokenScope: CallScope = {
      ...(scope.deadline === undefined ? {} : { deadline: scope.deadline }),
      ...(scope.record ? { record: scope.record } : {}),
    };
    const paths = this.candidatePaths();
    let notFound: NotFoundError | null = null;
    for (const path of paths) {
      try {
        const response = await this.post(tokenScope, path);
        this.workingPath = path;
        return this.cache(response, issuedAt);
      } catch (error) {
        // A 404 means this instance does not serve that path: try the other one, once.
        if (!(error instanceof NotFoundError)) throw error;
        notFound = error;
      }
    }
    throw this.noTokenEndpoint(paths, notFound);
  }

  /** One token request to `path`; a 400 (OpsRamp's "unable to authenticate") is a credentials problem. */
  private async post(scope: CallScope, path: string): Promise<VendorResponse<TokenWire>> {
    const { http, clientId, clientSecret } = this.options;
    try {
      return await http.request(scope, {
        method: 'POST',
        route: path,
        form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        schema: tokenWire,
        sensitive: [clientId, clientSecret],
        okStatuses: [200],
      });
    } catch (error) {
      // The token endpoint answers 400 when it cannot authenticate (API overview): a credentials problem.
      if (error instanceof VendorValidationError) {
        throw new VendorAuthError(`OpsRamp refused to issue a token for account "${http.account}".`, error.facts);
      }
      throw error;
    }
  }

  /** Checks the token answer and keeps the token until shortly before it expires. */
  private cache(response: VendorResponse<TokenWire>, issuedAt: number): string {
    const body = response.body;
    if (body.token_type && body.token_type.toLowerCase() !== 'bearer') {
      throw new VendorContractError('OpsRamp issued a token that is not a bearer token.', {
        vendor: 'opsramp',
        account: this.options.http.account,
        httpStatus: response.status,
        vendorCode: null,
        vendorRequestId: null,
        retryAfterSeconds: null,
      });
    }
    const lifetimeMs = Number(body.expires_in ?? ASSUMED_LIFETIME_SECONDS) * 1000;
    const margin = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10);
    this.cached = { value: body.access_token, refreshAt: issuedAt + lifetimeMs - margin };
    return body.access_token;
  }

  /**
   * No path asked issues tokens: the account's configuration is wrong for this instance. The
   * message names the paths (never a credential) and the config key that fixes it.
   */
  private noTokenEndpoint(paths: readonly string[], last: NotFoundError | null): NotFoundError {
    const account = this.options.http.account;
    const asked = paths.map((path) => `"${path}"`).join(' or ');
    const advice =
      this.options.tokenPath === undefined
        ? `set \`tokenPath\` in the account's config to the token path this OpsRamp instance serves`
        : `check \`tokenPath\` in the account's config (OpsRamp documents "${OPSRAMP_TOKEN_PATH}"; older instances serve "${OPSRAMP_LEGACY_TOKEN_PATH}")`;
    return new NotFoundError(`OpsRamp has no token endpoint at ${asked} for account "${account}" (404): ${advice}, or check its baseUrl.`, null, last?.vendorCode ?? null);
  }
}
