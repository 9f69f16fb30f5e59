// This vendor's GraphQL types, assembled by import.
export { MongoDbIntegrationRef } from './integration.js';
import './mutations.js';
