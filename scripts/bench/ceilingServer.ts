// A ceiling: serves answers captured from the app, byte for byte, from a bare node:http server or a one-route
// Express 5 app, in a process of its own. `node --import tsx ceilingServer.ts <node|express> <answers.json>`;
// prints {"port": n} once listening.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface CeilingAnswers {
  /** The route (path without the query) that the Express ceiling declares. */
  path: string;
  answers: { method: string; status: number; headers: Record<string, string>; body: string /* base64 */ }[];
}

const [kind, file] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(file!, 'utf8')) as CeilingAnswers;
const answers = new Map(spec.answers.map((a) => [a.method, { ...a, body: Buffer.from(a.body, 'base64') }]));

let server: http.Server;
if (kind === 'express') {
  const app = express();
  for (const [method, a] of answers) {
    const handler = (_req: express.Request, res: express.Response) => {
      res.status(a.status).set(a.headers).send(a.body);
    };
    if (method === 'POST') app.post(spec.path, handler);
    else app.get(spec.path, handler);
  }
  server = http.createServer(app);
} else {
  const fallback = [...answers.values()][0]!;
  server = http.createServer((req, res) => {
    const a = answers.get(req.method ?? 'GET') ?? fallback;
    res.writeHead(a.status, { ...a.headers, 'content-length': a.body.length });
    res.end(a.body);
  });
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
