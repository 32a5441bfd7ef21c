// The interval lives with the election; this path stays for the daemon's own imports of it.
export { standbyRetryDelayMs } from '@projectionist/leader-election';
