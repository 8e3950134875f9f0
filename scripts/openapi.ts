// CLI: `npm run openapi` — writes openapi.json (the document the server serves at /openapi.json)
// and src/api/openapi-types.ts (its TypeScript types, for openapi-fetch and the web UI).
import { writeFileSync } from 'node:fs';
import { generateOpenApi, OPENAPI_JSON, OPENAPI_TYPES } from './openapi/index.ts';

const { json, types } = await generateOpenApi();
writeFileSync(OPENAPI_JSON, json);
writeFileSync(OPENAPI_TYPES, types);
console.log(`wrote ${OPENAPI_JSON} (${json.length} bytes) and ${OPENAPI_TYPES} (${types.length} bytes)`);
