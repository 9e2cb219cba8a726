// What the benchmark asks for, and the exact answers the app gave (replayed by the ceilings).
import http from 'node:http';
import type { SeedIds } from './database';

export type Group = 'home' | 'public' | 'signed-in' | 'sign-in';
export type Role = 'candidate' | 'staff' | 'coordinator';

export interface Scenario {
  name: string;
  /** The request, as sent (already percent-encoded). */
  path: string;
  group: Group;
  /** Signed in as this scale account. */
  as?: Role;
}

export function scenarios(ids: SeedIds): Scenario[] {
  return [
    { name: 'home', path: '/', group: 'home' },
    { name: 'board', path: '/jobs', group: 'public' },
    // Baoding, junior-secondary English: three filters on one page.
    { name: 'board-3-filters', path: '/jobs?unit=1306&stage=junior&subject=english', group: 'public' },
    { name: 'board-keyword', path: `/jobs?q=${encodeURIComponent('英语')}`, group: 'public' },
    { name: 'board-page-50', path: '/jobs?page=50', group: 'public' },
    { name: 'vacancy', path: `/jobs/${ids.sampleVacancyId}`, group: 'public' },
    { name: 'feed', path: '/jobs/feed.xml', group: 'public' },
    { name: 'api', path: '/api/v1/vacancies', group: 'public' },
    { name: 'applications', path: '/me/applications', group: 'signed-in', as: 'candidate' },
    {
      name: 'pipeline-500',
      path: `/manage/vacancies/${ids.pipelineVacancyId}/applications`,
      group: 'signed-in',
      as: 'staff',
    },
    { name: 'dashboard', path: '/coordinator/reports', group: 'signed-in', as: 'coordinator' },
    // Last: every sign-in leaves sessions behind, which the pages above would otherwise have to look through.
    { name: 'sign-in', path: '/login', group: 'sign-in' },
  ];
}

/** One answer as the app gave it: what a ceiling replays. */
export interface Captured {
  method: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** How long this one request took, on an idle app. */
  ms: number;
}

export class CaptureTimeout extends Error {}

/**
 * Requests once with the same headers as autocannon (node:http adds nothing else), keeping the raw body. Fails with
 * CaptureTimeout after `timeoutMs` without the whole answer.
 */
export function capture(
  base: string,
  request: { method?: string; path: string; headers: Record<string, string>; body?: string },
  timeoutMs = 120_000,
): Promise<Captured & { setCookie: string[] }> {
  const method = request.method ?? 'GET';
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${request.path}`,
      {
        method,
        agent: false,
        headers: {
          connection: 'keep-alive',
          ...request.headers,
          ...(request.body ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const headers: Record<string, string> = {};
          // What makes the answer what it is; the ceilings add nothing else.
          for (const name of ['content-type', 'content-encoding', 'location']) {
            const value = res.headers[name];
            if (typeof value === 'string') headers[name] = value;
          }
          resolve({
            method,
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks),
            ms: Math.round(performance.now() - started),
            setCookie: res.headers['set-cookie'] ?? [],
          });
          req.destroy();
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      reject(new CaptureTimeout(`no answer to ${method} ${request.path} within ${timeoutMs / 1000} s`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(request.body);
  });
}

export const csrfToken = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
export const cookiePairs = (setCookie: string | string[] | undefined) =>
  (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => c.split(';')[0]!).join('; ');

export function signInForm(email: string, password: string, csrf: string): string {
  return new URLSearchParams({ email, password, _csrf: csrf }).toString();
}
