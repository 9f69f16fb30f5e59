/** One OpsRamp value and the third-party value it maps to. */
interface StoredAttrValue {
  readonly attrValue: string;
  readonly thirdPartyAttrValue: string;
}

/**
 * A mapping attribute. The simulator's own record keeps the `thirdParty*` names; requests are read
 * with the schema's `tenant*` names and responses use whichever names the options ask for.
 */
export interface StoredMapping {
  readonly name: string;
  readonly attrName: string;
  readonly entityType: string;
  readonly thirdPartyAttrName: string;
  readonly thirdPartyEntityType: string;
  readonly mode?: string;
  readonly attrValues: readonly StoredAttrValue[];
}

export interface StoredKeyValue {
  readonly key: string;
  readonly value: string;
}

/** Inbound authentication, generated credentials included. */
export interface StoredAuthentication {
  readonly authType: string;
  readonly role?: { readonly uniqueId: string; readonly name?: string };
  readonly token?: string;
  readonly apiKeyPairs?: readonly { readonly key: string; readonly secret: string }[];
}

/** A base notifier as sent, secrets included. */
export interface StoredNotifier {
  readonly type: string;
  readonly baseURI: string;
  readonly authType: string;
  readonly grantType?: string;
  readonly userName?: string;
  readonly password?: string;
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly accessTokenURI?: string;
  readonly tokenURL?: string;
  readonly tokenPayload?: unknown;
  readonly tokenHeaders?: readonly StoredKeyValue[];
  readonly tokensPath?: readonly StoredKeyValue[];
  readonly resourceAuthHeaders?: readonly StoredKeyValue[];
}

export interface StoredInboundConfig {
  readonly authentication?: StoredAuthentication;
  readonly mapAttributes?: readonly StoredMapping[];
  readonly dropAlerts?: boolean;
  readonly entityTypes?: readonly string[];
}

export interface StoredOutboundConfig {
  readonly mapAttributes?: readonly StoredMapping[];
  readonly baseNotifier?: StoredNotifier;
}

/** An installed integration as the simulator holds it, secrets included (never all sent back). */
export interface StoredIntegration {
  readonly id: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly integration: { readonly id: string; readonly name: string; readonly multipleInstallations: boolean };
  readonly category?: string;
  readonly direction?: string;
  readonly status: string;
  readonly installedBy: string;
  readonly installedTime: string;
  /**
   * The current platform's audit and lifecycle fields (opsramp/or-mcp-v2 `Integration`); absent on
   * an integration kept in the 2021 shape. Times in OpsRamp's `2020-10-08T07:25:24+0100` text.
   */
  readonly createdBy?: string;
  readonly createdTime?: string;
  readonly updatedBy?: string;
  readonly updatedTime?: string;
  readonly state?: string;
  readonly version?: string;
  readonly updateAvailable?: boolean;
  readonly alertSource?: { readonly id: number; readonly name: string; readonly displayName: string; readonly techUid: string };
  readonly parentIntg?: { readonly id: string };
  readonly inboundConfig?: StoredInboundConfig;
  readonly outboundConfig?: StoredOutboundConfig;
}

/** A write the simulator received, body included (tests only; never logged). */
export interface RecordedWrite {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

/** What one OpsRamp partner holds: installed integrations, issued tokens, rate windows and the writes seen. */
export class OpsRampState {
  /** Installed integrations by id, in install order. */
  readonly integrations = new Map<string, StoredIntegration>();
  /** Issued access tokens and when they expire (epoch ms). */
  readonly tokens = new Map<string, { expiresAt: number }>();
  /** Request counts per tenant, class and minute. */
  readonly windows = new Map<string, { window: number; count: number }>();
  readonly writes: RecordedWrite[] = [];
  tokensIssued = 0;

  constructor(private readonly seed: () => readonly StoredIntegration[]) {}

  /**
   * Restores the seed. Issued tokens stay valid: a reset restores the tenant's data, not the
   * sessions of its API clients.
   */
  reset(): void {
    this.integrations.clear();
    for (const integration of this.seed()) this.integrations.set(integration.id, integration);
    this.windows.clear();
    this.writes.length = 0;
    this.tokensIssued = 0;
  }
}
