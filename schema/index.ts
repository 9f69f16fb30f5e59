// Assembles the graph's shapes by import; each file defines its own types.
import './roots.js';
import './enums.js';
import './errors.js';
import './secret-hint.js';
import './vendor-account.js';
import './vendor-connection.js';
import './datadog/integration.js';
import './datadog/action-connection.js';
import './datadog/app-key-registration.js';
import './datadog/mutations.js';
import './integration-connection.js';
import './connection-page.js';
