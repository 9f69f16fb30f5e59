// Assembles the graph's shared shapes by import; each file defines its own types. Each vendor's
// own types come with its module (src/vendors/<vendor>/index.ts imports schema/<vendor>/).
import './roots.js';
import './enums.js';
import './errors.js';
import './secret-hint.js';
import './vendor-account.js';
import './account-health.js';
import './vendor-connection.js';
import './deleted-payload.js';
import './connection-page.js';
import './audit-log.js';
import './unconfirmed-write.js';
import './custody.js';
import './history.js';
import './subscriptions.js';
import './webhooks.js';
