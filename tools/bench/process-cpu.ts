/**
 * CPU used so far by processes of this machine, from /proc (user + system, in ms): what the
 * diagnoses put beside a rate to say which process a write or an append costs.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU used so far by process `pid`; throws if it has ended. */
export function processCpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in ticks of 10 ms.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU used so far by every PostgreSQL process (backends that ended meanwhile are not counted). */
export function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += processCpuMs(Number(pid));
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}
