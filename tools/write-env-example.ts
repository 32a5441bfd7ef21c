// `npm run env:example`: writes .env.example from libs/config/src/env-vars.ts (checked by a test).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvExample } from '@projectionist/config';

writeFileSync(join(__dirname, '../.env.example'), renderEnvExample());
