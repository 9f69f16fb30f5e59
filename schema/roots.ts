import { builder } from './builder.js';

builder.queryType({ description: 'Reads: accounts, connections across vendors, and vendor-specific lists.' });
builder.mutationType({ description: 'Writes: one mutation per vendor operation, each returning a payload or a typed error.' });
