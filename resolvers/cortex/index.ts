// Assembles this vendor's root fields by import; one file per field.
import './add-cortex-pagerduty-configuration.js';
import './delete-cortex-pagerduty-configuration.js';
import './replace-cortex-pagerduty-configuration.js';
import './validate-cortex-pagerduty-configuration.js';
