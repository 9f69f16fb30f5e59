// Assembles this vendor's root fields by import; one file per field.
import './create-mongo-db-integration.js';
import './delete-mongo-db-integration.js';
import './upsert-mongo-db-integration.js';
