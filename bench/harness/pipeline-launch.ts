/**
 * Our pipelines as users run them: compiled by `make build` into .cache/build (one .js per .ts)
 * and started through the launcher it writes there, .cache/build/node, which holds the node flags
 * and environment chosen in the Makefile (PIPELINE_NODE). `make run` starts pipelines/main.js the
 * same way, so the bench measures what users run, memory included, not a TypeScript loader.
 *
 * The first launch in a process runs `make build`, which recompiles only when a source changed, so
 * a child never runs code older than the sources it was started from.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { childEnv, ROOT, type BenchContext } from './context';
import { lastLines, runForResult } from './processes';

export const BUILD_DIR = join(ROOT, '.cache', 'build');
const LAUNCHER = join(BUILD_DIR, 'node');

let built = false;

/** Runs `make build` once per process; throws with make's last lines when it fails. */
export function ensureBuild(): void {
  if (built) return;
  const make = spawnSync('make', ['--no-print-directory', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (make.error !== undefined || make.status !== 0) {
    throw new Error(`make build failed (${make.error?.message ?? `exit ${make.status}`}): ${lastLines(`${make.stdout ?? ''}\n${make.stderr ?? ''}`)}`);
  }
  built = true;
}

/** Command and arguments that start bench/children/<file> (a .ts name) compiled, through the launcher. */
export function compiledChild(file: string, argument: object): { readonly command: string; readonly args: string[] } {
  ensureBuild();
  const compiled = join(BUILD_DIR, 'bench', 'children', file.replace(/\.ts$/, '.js'));
  return { command: LAUNCHER, args: [compiled, JSON.stringify(argument)] };
}

/** runNodeChild (context.ts) for the compiled child: its BENCH-RESULT object, or an Error. */
export function runCompiledChild<T>(context: BenchContext, file: string, argument: object, timeoutMs: number): Promise<T> {
  const { command, args } = compiledChild(file, argument);
  return runForResult<T>(command, args, { cwd: ROOT, env: childEnv(context), timeoutMs });
}
