import './tracing';
import { bootstrap } from '@projectionist/app-runtime';
import { serveApiDocs } from './docs/api-docs';
import { GatewayModule } from './gateway.module';

void bootstrap('gateway', (config) => GatewayModule.forRoot(config), { configure: serveApiDocs });
