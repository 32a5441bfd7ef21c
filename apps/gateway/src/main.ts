import { bootstrap } from '@projectionist/app-runtime';
import { GatewayModule } from './gateway.module';

void bootstrap('gateway', (config) => GatewayModule.forRoot(config));
