/**
 * Child processes of the bench: each system runs in its own process, so its peak RSS is its own.
 *
 * Every child starts in its own process group and is remembered until it exits, so that
 * `stopAllChildren()` (called on failure, on SIGINT/SIGTERM and at exit) ends exactly the processes
 * this bench started, wrappers (npx, /usr/bin/time) and grandchildren included.
 *
 * A child reports its figures as one line `BENCH-RESULT <json>` on stdout (see child-report.ts and
 * the Python scripts); everything else it prints goes to the bench's log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const RESULT_PREFIX = 'BENCH-RESULT ';

const live = new Set<ChildProcess>();

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildHandle {
  readonly pid: number;
  readonly exited: Promise<ChildExit>;
  /** Signals the child's whole process group; no-op once it has exited. */
  signal(signal: NodeJS.Signals): void;
  /** Calls `listener` with each complete stdout line as it arrives. */
  onLine(listener: (line: string) => void): void;
}

export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Prefix for echoing the child's stderr to ours (progress, warnings); default: not echoed. */
  readonly echo?: string;
}

const MAX_CAPTURE = 4 * 1024 * 1024;

export function startChild(command: string, args: readonly string[], options: StartOptions = {}): ChildHandle {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  let pendingLine = '';
  const listeners: Array<(line: string) => void> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (stdout.length < MAX_CAPTURE) stdout += chunk;
    const lines = (pendingLine + chunk).split('\n');
    pendingLine = lines.pop() ?? '';
    for (const line of lines) for (const listener of listeners) listener(line);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    // Keep the tail: the last lines say why a child failed.
    stderr = (stderr + chunk).slice(-64 * 1024);
    if (options.echo !== undefined) process.stderr.write(chunk.replace(/^(?=.)/gm, options.echo));
  });
  const exited = new Promise<ChildExit>((resolve) => {
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    };
    child.once('error', (error) => {
      stderr += `\n${error.message}`;
      finish(null, null);
    });
    child.once('close', (code, signal) => finish(code, signal));
  });
  return {
    pid: child.pid ?? -1,
    exited,
    signal: (signal) => signalGroup(child, signal),
    onLine: (listener) => listeners.push(listener),
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs a child to its end and returns its BENCH-RESULT object; a non-zero exit, a timeout or a
 * missing result line throws an Error carrying the tail of its stderr.
 */
export async function runForResult<T>(command: string, args: readonly string[], options: StartOptions & { timeoutMs: number }): Promise<T> {
  const child = startChild(command, args, options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.signal('SIGKILL');
  }, options.timeoutMs);
  let exit: ChildExit;
  try {
    exit = await child.exited;
  } finally {
    clearTimeout(timer);
  }
  const label = `${command.split('/').pop()} ${args.slice(0, 2).map((a) => a.split('/').pop()).join(' ')}`;
  if (exit.code !== 0) {
    const why = timedOut ? `killed after the ${options.timeoutMs / 1000} s time limit` : `exit ${exit.code ?? exit.signal}`;
    throw new Error(`${label}: ${why}: ${lastLines(exit.stderr)}`);
  }
  return parseResult<T>(exit.stdout, label);
}

export function parseResult<T>(stdout: string, label: string): T {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`${label}: printed no ${RESULT_PREFIX.trim()} line`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}

export function lastLines(text: string, count = 3): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-count).join(' | ') || '(no output)';
}

/** Ends every child still running (SIGKILL to each one's process group). Synchronous, so it works in 'exit'. */
export function stopAllChildren(): number {
  const count = live.size;
  for (const child of live) signalGroup(child, 'SIGKILL');
  return count;
}

/** VmHWM of a live process in bytes, or null once it is gone (used for programs that cannot report it). */
export function peakRssOfPid(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
