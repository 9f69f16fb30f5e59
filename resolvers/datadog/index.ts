// Assembles this vendor's root fields by import; one file per field.
import './create-datadog-action-connection.js';
import './datadog-app-key-registrations.js';
import './delete-datadog-action-connection.js';
import './register-datadog-app-key.js';
import './track-datadog-action-connection.js';
import './unregister-datadog-app-key.js';
import './untrack-datadog-action-connection.js';
import './update-datadog-action-connection.js';
