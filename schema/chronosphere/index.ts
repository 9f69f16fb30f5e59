// This vendor's GraphQL types, assembled by import.
export { ChronosphereExternalConnectionRef } from './external-connection.js';
import './mutations.js';
import './target.js';
