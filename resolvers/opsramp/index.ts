// Assembles this vendor's root fields by import; one file per field.
import './disable-ops-ramp-installed-integration.js';
import './enable-ops-ramp-installed-integration.js';
import './install-ops-ramp-integration.js';
import './ops-ramp-available-integrations.js';
import './uninstall-ops-ramp-integration.js';
import './update-ops-ramp-installed-integration.js';
