// Drives one scenario at one server with autocannon and reduces the run to the figures the report shows.
import autocannon from 'autocannon';
import { cookiePairs, csrfToken, signInForm, type Scenario } from './scenarios';

export interface Figures {
  seconds: number;
  /** Expected answers per second: 2xx, or 303 for the sign-in POST. Errors do not count. */
  reqPerSec: number;
  /** Expected answers in all. */
  ok: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Unexpected statuses, connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /**
   * Requests sent but not answered when the run stopped: at most one per connection. With `ok` 0 it means that
   * every request took longer than the run.
   */
  inFlightAtEnd: number;
  /** Answers by status (for the sign-in scenario: of the POSTs). */
  statusCodes: Record<string, number>;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Sent with every request (besides Host and `Connection: keep-alive`): the signed-in pages' cookie among them. */
  headers: Record<string, string>;
  /** The sign-in scenario's account. */
  signIn?: { email: string; password: string };
  /** Seconds without an answer before autocannon counts a timeout (and reconnects). */
  timeout: number;
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

const inFlightAtEnd = (r: autocannon.Result) => Math.max(0, r.requests.sent - r.requests.total - r.errors);

function header(headers: Record<string, string | string[]>, name: string): string | string[] | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

async function drivePage(url: string, options: LoadOptions): Promise<Figures> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    timeout: options.timeout,
    headers: options.headers,
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([s, { count }]) => [s, count]));
  const ok = Object.entries(statusCodes).reduce((n, [s, count]) => (s.startsWith('2') ? n + count : n), 0);
  return {
    seconds: result.duration,
    reqPerSec: round(ok / result.duration, 1),
    ok,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.non2xx + result.errors,
    timeouts: result.timeouts,
    inFlightAtEnd: inFlightAtEnd(result),
    statusCodes,
  };
}

/** Sent with the sign-in scenario's GET /login (see above). */
export const FORM_HEADERS = { 'accept-encoding': 'identity' };

/**
 * Each connection loads the sign-in form (a fresh session and its CSRF token), then posts the account's email and
 * password with them; a 303 is a success. The figures are the POST's.
 */
async function driveSignIn(base: string, options: LoadOptions): Promise<Figures> {
  const { email, password } = options.signIn!;
  // onResponse runs just before autocannon's own 'response' event for the same answer, so this says which it was.
  let last: 'form' | 'post' = 'form';
  const postMs: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let unexpected = 0;
  const instance = autocannon({
    url: `${base}/login`,
    connections: options.connections,
    duration: options.seconds,
    timeout: options.timeout,
    headers: options.headers,
    requests: [
      {
        method: 'GET',
        path: '/login',
        // The token is read from the page, so the form comes uncompressed; the POST's answer is what is measured.
        headers: FORM_HEADERS,
        onResponse: (status, body, context, headers) => {
          last = 'form';
          context.cookie = cookiePairs(header(headers, 'set-cookie'));
          context.csrf = csrfToken(body);
          if (status !== 200 || !context.csrf) unexpected += 1;
        },
      },
      {
        method: 'POST',
        path: '/login',
        setupRequest: (request, context) => {
          // No form (counted above, or as a timeout): this connection starts again with the form.
          if (!context.csrf) return null;
          return {
            ...request,
            headers: {
              ...request.headers,
              'content-type': 'application/x-www-form-urlencoded',
              ...(context.cookie ? { cookie: String(context.cookie) } : {}),
            },
            body: signInForm(email, password, String(context.csrf)),
          };
        },
        onResponse: () => {
          last = 'post';
        },
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (last === 'form') return;
    postMs.push(ms);
    statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    if (status === 303) ok += 1;
    else unexpected += 1;
  });
  const result = await instance;
  postMs.sort((a, b) => a - b);
  return {
    seconds: result.duration,
    reqPerSec: round(ok / result.duration, 1),
    ok,
    p50Ms: round(nearestRank(postMs, 0.5)),
    p90Ms: round(nearestRank(postMs, 0.9)),
    p99Ms: round(nearestRank(postMs, 0.99)),
    maxMs: round(postMs[postMs.length - 1] ?? 0),
    errors: unexpected + result.errors,
    timeouts: result.timeouts,
    inFlightAtEnd: inFlightAtEnd(result),
    statusCodes,
  };
}

export function drive(base: string, scenario: Scenario, options: LoadOptions): Promise<Figures> {
  return scenario.group === 'sign-in' ? driveSignIn(base, options) : drivePage(`${base}${scenario.path}`, options);
}
