/** The configuration as the simulator holds it, token included (never sent back). */
export interface StoredConfiguration {
  readonly token: string;
  readonly isTokenReadonly: boolean;
}

/** What one Cortex workspace holds: at most one PagerDuty configuration, and rate-limit windows. */
export class CortexState {
  configuration: StoredConfiguration | null = null;
  /** Fixed one-minute window per API key. */
  readonly windows = new Map<string, { start: number; count: number }>();
  /**
   * Test-only contract break: members laid over the configuration wherever it is served. Null
   * unless a test asks; reset clears it.
   */
  contractBreak: Readonly<Record<string, unknown>> | null = null;

  constructor(private readonly seed: () => StoredConfiguration | null) {}

  /** Restores the seed: a configuration, or none when the workspace starts unconfigured. */
  reset(): void {
    this.configuration = this.seed();
    this.windows.clear();
    this.contractBreak = null;
  }
}
