// Assembles this vendor's root fields by import; one file per field.
import './chronosphere-external-connections.js';
import './create-chronosphere-external-connection.js';
import './delete-chronosphere-external-connection.js';
import './update-chronosphere-external-connection.js';
