/**
 * The gateway as the benchmark runs it: the real GatewayModule, with the write-guard on or
 * (BENCH_WRITE_GUARD=off) without it, so both variants run the same code path otherwise.
 */
import { bootstrap } from '@projectionist/app-runtime';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';

void bootstrap('gateway', (config) => GatewayModule.forRoot(config, { guardWrites: process.env.BENCH_WRITE_GUARD !== 'off' }));
