// Assembles the shared root fields by import; one file per field. Each vendor's own fields come
// with its module (src/vendors/<vendor>/index.ts imports resolvers/<vendor>/).
import './accounts.js';
import './vendor-account-health.js';
import './connection.js';
import './connections.js';
import './audit-log.js';
import './unconfirmed-writes.js';
import './dismiss-unconfirmed-write.js';
import './secret-usages.js';
import './rotate-secret.js';
import './history.js';
import './scan-account.js';
import './subscriptions.js';
import './webhook-deliveries.js';
