// Starts a ceiling (see ceilingServer.ts) serving the answers captured from the app for one scenario.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { rootDir } from '../../server/paths';
import { onCleanup, stopChild, track } from './processes';
import type { Captured } from './scenarios';
import type { CeilingAnswers } from './ceilingServer';

export type CeilingKind = 'node' | 'express';
export const CEILING_NAMES: Record<CeilingKind, string> = { node: 'node:http', express: 'Express' };

export const tmpDir = path.join(rootDir, 'bench', 'tmp');

export interface Ceiling {
  base: string;
  stop(): Promise<void>;
}

export async function startCeiling(kind: CeilingKind, routePath: string, captured: Captured[]): Promise<Ceiling> {
  fs.mkdirSync(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `ceiling-${process.pid}-${kind}.json`);
  const spec: CeilingAnswers = {
    path: routePath,
    answers: captured.map((c) => ({
      method: c.method,
      status: c.status,
      headers: c.headers,
      body: c.body.toString('base64'),
    })),
  };
  fs.writeFileSync(file, JSON.stringify(spec));
  const child = track(
    spawn(
      process.execPath,
      ['--import', 'tsx', path.join(rootDir, 'scripts', 'bench', 'ceilingServer.ts'), kind, file],
      {
        cwd: rootDir,
        detached: true,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    ),
  );
  const stop = onCleanup(async () => {
    await stopChild(child, 3000);
    fs.rmSync(file, { force: true });
  });
  const port = await new Promise<number>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`Unexpected output from the ${kind} ceiling: ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`The ${kind} ceiling exited with code ${code}.`)));
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { base: `http://127.0.0.1:${port}`, stop };
}
