// This vendor's GraphQL types, assembled by import.
import './enums.js';
export { OpsRampInstalledIntegrationRef } from './installed-integration.js';
import './mutations.js';
