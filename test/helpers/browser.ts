// The browser harness: Debian's Chromium driven by playwright-core, the real app started as `npm start` starts
// it (local mode: its own embedded database and the file mailbox), and axe-core on every page visited.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { DEMO_TOTP_SECRET } from '../../scripts/seed';
import { freePort } from '../../server/db/embedded';
import { totp } from '../../server/services/twoFactor';
import { rootDir } from '../../server/paths';

export const CHROMIUM = '/usr/bin/chromium';

export interface RunningApp {
  baseUrl: string;
  dataDir: string;
  /** Sends a signal and resolves with the exit code once the process has ended. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
  /** What the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts server/index.ts in local mode on a fresh data directory; resolves once it is listening. */
export async function startLocalApp(
  env: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<RunningApp> {
  // A given data directory outlives the process (a restart test); a fresh one is removed on stop.
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(rootDir, 'server/index.ts')], {
    cwd: rootDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ARGON2_MEMORY_KIB: '4096',
      ARGON2_TIME_COST: '1',
      MAIL_POLL_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The app did not start in time:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('TeachBridge is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The app exited with ${code}:\n${output}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    signal(signal) {
      const exited = new Promise<number | null>((r) =>
        child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code)),
      );
      child.kill(signal);
      return exited;
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (evaluated through the devtools protocol, so the page's CSP stays as it is). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails the test with the page and its violations when axe finds something serious. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  expect({ page: page.url(), violations }).toEqual({ page: page.url(), violations: [] });
}

/** Signs in through the real form (Chinese labels), demo password by default. */
export async function signIn(page: Page, baseUrl: string, email: string, password = 'teachbridge-demo'): Promise<void> {
  const seen: string[] = [];
  const record = (r: Response) => {
    if (r.request().isNavigationRequest())
      seen.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
  };
  page.on('response', record);
  try {
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('电子邮箱').fill(email);
    await page.getByRole('textbox', { name: '密码', exact: true }).fill(password);
    // Submit and wait for the page the form leads to (after any redirect), however slow the machine is.
    const submit = async (button: string) => {
      const settled = page.waitForResponse((r) => r.request().isNavigationRequest() && r.status() !== 303, {
        timeout: 60_000,
      });
      await page.getByRole('button', { name: button }).click();
      await settled;
      await page.waitForLoadState();
    };
    // Signed in means the page offers to sign out; anything else fails here, with what the browser saw.
    const signedIn = async () => {
      if ((await page.locator('form[action="/logout"]').count()) > 0) return;
      const text = await page
        .locator('main')
        .innerText()
        .catch(() => '');
      throw new Error(
        `Sign-in as ${email} did not finish: ${seen.join(' → ')}; at ${page.url()}:\n${text.slice(0, 600)}`,
      );
    };
    await submit('登录');
    if (!page.url().includes('/login/2fa')) return await signedIn();
    // A demo coordinator: the code their authenticator shows (each code works once, so the next one if needed).
    for (const offset of [0, 1]) {
      const code = totp(DEMO_TOTP_SECRET, email).generate({ timestamp: Date.now() + offset * 30_000 });
      await page.getByLabel('验证码').fill(code);
      await submit('验证并登录');
      if (!page.url().includes('/login/2fa')) return await signedIn();
    }
    throw new Error(`Two-step sign-in as ${email} failed: ${seen.join(' → ')}`);
  } finally {
    page.off('response', record);
  }
}
