// This vendor's GraphQL types, assembled by import.
import './mutations.js';
export { CortexPagerDutyConfigurationRef } from './pagerduty-configuration.js';
