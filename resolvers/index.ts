// Assembles the root fields by import; one file per field.
import '../schema/index.js';
import './accounts.js';
import './connection.js';
import './connections.js';
import './datadog-app-key-registrations.js';
import './create-datadog-action-connection.js';
import './update-datadog-action-connection.js';
import './delete-datadog-action-connection.js';
import './track-datadog-action-connection.js';
import './untrack-datadog-action-connection.js';
import './register-datadog-app-key.js';
import './unregister-datadog-app-key.js';
