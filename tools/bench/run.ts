/**
 * `npm run bench -- <name>`: runs one benchmark against the real services and writes its
 * figures, with the machine and the date, into its section of docs/benchmarks.md.
 */
import { benchmarks } from './benchmarks';
import { machineSummary, writeSection } from './report';

async function main(): Promise<void> {
  const name = process.argv[2];
  const bench = benchmarks[name];
  if (!bench) {
    console.error(`Unknown benchmark "${name ?? ''}". Available: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  const started = Date.now();
  const body = await bench();
  const machine = await machineSummary();
  const section = `${machine}\n\n${body}\n\n_Run took ${Math.round((Date.now() - started) / 1000)} s._`;
  writeSection(name, section);
  console.log(section);
  console.log(`\nWritten to docs/benchmarks.md (section "${name}").`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
