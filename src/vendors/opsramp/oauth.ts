import { VendorAuthError, VendorContractError, VendorValidationError } from '../../core/errors.js';
import type { AuthChallenge, AuthRequest, AuthStrategy, CallScope, VendorHttp, VendorResponse } from '../../core/http/vendor-http.js';
import { type TokenWire, tokenWire } from './wire.js';

/** OpsRamp's token endpoint (opsramp-auth.v2.yaml), on the same host as the API. */
export const OPSRAMP_TOKEN_ROUTE = '/auth/oauth/token';

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

  constructor(private readonly options: OpsRampOAuthOptions) {
    this.now = options.now ?? Date.now;
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
    const { http, clientId, clientSecret } = this.options;
    let response: VendorResponse<TokenWire>;
    try {
      response = await http.request(tokenScope, {
        method: 'POST',
        route: OPSRAMP_TOKEN_ROUTE,
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
    const body = response.body;
    if (body.token_type && body.token_type.toLowerCase() !== 'bearer') {
      throw new VendorContractError('OpsRamp issued a token that is not a bearer token.', {
        vendor: 'opsramp',
        account: http.account,
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
}
