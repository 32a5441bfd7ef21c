export { brokerContract } from './broker.contract';
export type { BrokerTestBed } from './broker.contract';
export { InMemoryBroker } from '../in-memory/in-memory-broker';
export type { InMemoryBrokerOptions } from '../in-memory/in-memory-broker';
export { InMemoryBrokerServer } from '../in-memory/in-memory-broker-server';
export { brokerTransportContract } from './broker-transport.contract';
