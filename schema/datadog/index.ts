// This vendor's GraphQL types, assembled by import.
export { DatadogActionConnectionRef } from './action-connection.js';
import './app-key-registration.js';
import './integration.js';
import './mutations.js';
