// Shared by the end-to-end tests: the gradproof command run as a child process, as after npm install.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (the child processes' working directory). */
export const root = fileURLToPath(new URL('..', import.meta.url));

/** What one run of the command left behind. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/gradproof.mjs ...args` from the repository root, without forced colours. */
export function gradproof(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.FORCE_COLOR;
    execFile(process.execPath, ['bin/gradproof.mjs', ...args], { cwd: root, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
