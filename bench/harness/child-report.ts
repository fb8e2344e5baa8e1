/**
 * The child side of processes.ts: a bench child runs `main`, then prints its result as one
 * `BENCH-RESULT <json>` line with its own peak RSS (getrusage's maxrss, the process's VmHWM), and
 * exits non-zero with the error on stderr when `main` throws.
 */
import { RESULT_PREFIX } from './processes';

export function runChild(main: (argument: unknown) => Promise<object>): void {
  const argument: unknown = process.argv[2] === undefined ? {} : JSON.parse(process.argv[2]);
  main(argument)
    .then((result) => {
      const peakRssBytes = process.resourceUsage().maxRSS * 1024;
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, peakRssBytes })}\n`);
      // Kafka clients may keep timers alive for a while after disconnecting; the result is out.
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    });
}
