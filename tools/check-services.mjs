// Fails fast, with one clear line per service, when PostgreSQL, Redis or RabbitMQ is not
// reachable: the test suites need the real services and must never skip silently.
import net from 'node:net';

const TIMEOUT_MS = 3000;
const services = [
  ['PostgreSQL', 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres', 5432],
  ['Redis', 'REDIS_URL', 'redis://127.0.0.1:6379', 6379],
  ['RabbitMQ', 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672', 5672],
];

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (error) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(TIMEOUT_MS, () => done(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error) => done(error));
  });
}

const failures = [];
await Promise.all(
  services.map(async ([name, variable, fallback, port]) => {
    const url = process.env[variable] || fallback;
    const error = await reachable(url, port);
    if (error) failures.push(`${name} is not reachable at ${url.replace(/\/\/[^@]*@/, '//***@')} (${variable}): ${error.message}`);
  }),
);
if (failures.length > 0) {
  console.error(['The tests need the real services:', ...failures.map((f) => `  - ${f}`)].join('\n'));
  console.error('Start them (see README.md, "Running the tests") or point the variables at running ones.');
  process.exit(1);
}
