// Graceful shutdown: SIGTERM while requests are in flight lets every one of them finish with a whole answer, stops
// the worker and the scheduler, closes the embedded database and exits 0; new connections are refused.
import http from 'node:http';
import { startLocalApp, type RunningApp } from '../helpers/browser';

jest.setTimeout(150_000);

let app: RunningApp;

beforeAll(async () => {
  app = await startLocalApp();
});

afterAll(async () => {
  await app?.stop();
});

function get(url: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
  });
}

it('finishes the requests in flight, then stops cleanly and refuses new ones', async () => {
  // Warm up, then put 40 searches in flight at once (the job board with a filter reads every open vacancy).
  expect((await get(`${app.baseUrl}/jobs`)) as { status: number }).toMatchObject({ status: 200 });
  const inFlight = Array.from({ length: 40 }, (_, i) =>
    get(`${app.baseUrl}/jobs?q=${encodeURIComponent('英语')}&page=${(i % 3) + 1}`),
  );
  await new Promise((r) => setTimeout(r, 20));
  const exit = app.signal('SIGTERM');
  // While draining, the health check tells load balancers to move on.
  await new Promise((r) => setTimeout(r, 200));
  const health = await get(`${app.baseUrl}/healthz`);
  expect(health).toMatchObject({ status: 503 });
  expect(JSON.parse((health as { body: string }).body)).toMatchObject({ status: 'draining' });
  const answers = await Promise.all(inFlight);
  expect(answers.filter((a) => 'error' in a)).toEqual([]);
  for (const a of answers) {
    expect((a as { status: number }).status).toBe(200);
    expect((a as { body: string }).body).toContain('</html>'); // whole pages, not cut off
  }
  expect(await exit).toBe(0);
  const after = await get(`${app.baseUrl}/jobs`);
  expect(after).toEqual({ error: 'ECONNREFUSED' });
});
