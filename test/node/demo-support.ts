/**
 * `npm start`'s demo (scripts/start.ts) as a child process, for the tests that drive it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../peer/support.js';

export interface Demo {
  child: ChildProcess;
  output: () => string;
  web: string;
  signaling: string;
}

/** Starts the demo and resolves once it printed its addresses. */
export async function startDemo(dataDir: string, webPort: number, signalingPort: number): Promise<Demo> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PANDA_DEMO_NO_BUILD: '1',
      PANDA_DEMO_DATA: dataDir,
      PANDA_DEMO_PORT: String(webPort),
      PANDA_DEMO_SIGNALING_PORT: String(signalingPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start in time:\n${output}`)), 60_000);
    const check = () => {
      if (!output.includes('Ctrl-C stops the demo')) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve();
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}):\n${output}`));
    });
  });
  return { child, output: () => output, web: `http://localhost:${webPort}`, signaling: `ws://localhost:${signalingPort}` };
}

/** Sends SIGTERM; resolves with the exit code. */
export async function stopDemo(demo: Demo): Promise<number | null> {
  if (demo.child.exitCode !== null) return demo.child.exitCode;
  const exited = new Promise<number | null>((resolve) => demo.child.once('exit', (code) => resolve(code)));
  demo.child.kill('SIGTERM');
  const timer = setTimeout(() => demo.child.kill('SIGKILL'), 20_000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function waitFor(condition: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
