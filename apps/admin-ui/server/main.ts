import './tracing';
import { join } from 'node:path';
import { loadConfig, loadEnvFile } from '@projectionist/config';
import { JsonLogger } from '@projectionist/observability';
import { startAdminUiServer } from './admin-ui-server';

/** The admin UI's server: the built page and a pass-through to the gateway (GATEWAY_URL). */
async function main(): Promise<void> {
  const envFile = loadEnvFile();
  const config = loadConfig('admin-ui');
  const logger = new JsonLogger({ app: 'admin-ui', nodeId: config.nodeId, level: config.logLevel });
  if (envFile) logger.log({ msg: 'environment file read', path: envFile }, 'Bootstrap');
  try {
    const server = await startAdminUiServer({ port: config.port, gatewayUrl: config.gatewayUrl, publicDir: join(__dirname, '../../../public'), logger });
    logger.log({ msg: 'listening', port: config.port, gateway: config.gatewayUrl }, 'Bootstrap');
    const stop = () => {
      server.close(() => process.exit(0));
      // Open event streams would keep the server from closing.
      server.closeAllConnections();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (error) {
    logger.error(error instanceof Error ? error : new Error(String(error)), 'Bootstrap');
    process.exit(1);
  }
}

void main();
