/**
 * The Python baselines' own virtual environment, .cache/bench-venv: created with `python3 -m venv`
 * and filled by pip on first use. A stamp file records which requirements it holds, so a venv made
 * for an older requirement list is topped up rather than trusted. When Python or the package index
 * is missing the answer is `{ skipped: reason }`, and the Python rows say so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BENCH_REQUIREMENTS = ['scikit-learn==1.7.2', 'numpy==2.2.6', 'river==0.23.0', 'typing_extensions', 'kafka-python'] as const;

const PIP_TIMEOUT_MS = 15 * 60 * 1000;

export type PythonEnv = { readonly python: string; readonly version: string } | { readonly skipped: string };

export function benchPython(venv: string, log: (line: string) => void): PythonEnv {
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.bench-requirements');
  const wanted = BENCH_REQUIREMENTS.join('\n');
  const current = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (!existsSync(python) || current !== wanted) {
    if (!existsSync(python)) {
      log(`creating ${venv} (python3 -m venv) …`);
      const created = run('python3', ['-m', 'venv', venv]);
      if (typeof created === 'string') return { skipped: created };
    }
    log(`pip install ${BENCH_REQUIREMENTS.join(' ')} into ${venv} …`);
    const installed = run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...BENCH_REQUIREMENTS]);
    if (typeof installed === 'string') return { skipped: installed };
    writeFileSync(stamp, wanted);
  }
  const version = run(python, ['-c', 'import sys; print(sys.version.split()[0])']);
  if (typeof version === 'string') return { skipped: version };
  return { python, version: version.stdout.trim() };
}

/** The finished command, or a one-line reason why it failed. */
function run(command: string, args: string[]): { stdout: string } | string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: PIP_TIMEOUT_MS });
  if (result.error) return `${command} ${args.slice(0, 2).join(' ')}: ${result.error.message}`;
  if (result.status !== 0) {
    const reason = result.stderr.trim().split('\n').filter((line) => line.trim() !== '').pop() ?? `exit status ${result.status}`;
    return `${command.split('/').pop()} ${args.slice(0, 3).join(' ')} failed: ${reason}`;
  }
  return { stdout: result.stdout };
}
