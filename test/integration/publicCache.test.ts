// The public catalogue and page cache: the same answers as the database, a change visible on the next request (also
// one written by another instance: nothing but the stamp in the database tells this one), ETags and compression for
// visitors, no session work for them, and "days left" that tick over on time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { Types } from 'mongoose';
import { Vacancy } from '../../models/Vacancy';
import { parseFilters } from '../../server/services/board';
import { DEMO_PASSWORD, seedDemo } from '../../scripts/seed';
import { useTestApp } from '../helpers/app';
import { makeOrg } from '../helpers/builders';
import { loginAs } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

jest.setTimeout(120_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });
const DAY = 86_400_000;

beforeAll(async () => {
  await seedDemo({ argon2: t.config.argon2, dataKey: t.config.dataKey, now: t.clock.now() });
});

/** A GET as a browser sends it, bytes as they came over the wire (no client-side decompression). */
function rawGet(path: string, headers: Record<string, string>) {
  const server = t.app.listen(0);
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: encodeURI(path), headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          server.close();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      })
      .on('error', reject);
  });
}

const sessions = () => Vacancy.db.collection('sessions').countDocuments({});

describe('the catalogue', () => {
  it('answers every board search exactly as the database query does', async () => {
    const searches = [
      '',
      'unit=1307',
      'county=130722',
      'stage=junior&subject=english',
      'subject=music',
      'postType=special_post',
      'shortage=1',
      'corridor=1',
      'partner=1',
      'within=30',
      'q=英语',
      'q=张家口 英语',
      'q=music',
      'q=音',
      'sort=deadline',
      'sort=deadline&page=2',
      'page=2',
      'page=400',
      'unit=1306&stage=primary&sort=deadline',
    ];
    const now = t.clock.now();
    let compared = 0;
    for (const qs of searches) {
      const f = parseFilters(Object.fromEntries(new URLSearchParams(qs)));
      const fromMemory = await t.services.catalogue.search(f);
      const fromDatabase = await t.services.jobs.search(f, now);
      expect({ qs, total: fromMemory.total, ids: fromMemory.items.map((v) => String(v._id)) }).toEqual({
        qs,
        total: fromDatabase.total,
        ids: fromDatabase.items.map((v) => String(v._id)),
      });
      compared += fromDatabase.items.length;
    }
    expect(compared).toBeGreaterThan(100);
    const feed = await t.services.catalogue.openedSince(parseFilters({ unit: '1307' }), new Date(0));
    const dbFeed = await t.services.jobs.openedSince(parseFilters({ unit: '1307' }), new Date(0), now);
    expect(feed.map((v) => String(v._id))).toEqual(dbFeed.map((v) => String(v._id)));
  });
});

describe('pages for visitors without a session', () => {
  it('are kept and revalidated with an ETag, compressed, and cost no session', async () => {
    const before = await sessions();
    const first = await t.agent().get('/jobs?unit=1307').set('Accept-Encoding', 'identity');
    expect(first.status).toBe(200);
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await t.agent().get('/jobs?unit=1307').set('Accept-Encoding', 'identity');
    expect(again.text).toBe(first.text);
    const etag = again.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const notModified = await t.agent().get('/jobs?unit=1307').set('If-None-Match', etag);
    expect(notModified.status).toBe(304);
    expect(notModified.text ?? '').toBe('');
    // Brotli and gzip: the same page, smaller.
    for (const encoding of ['br', 'gzip'] as const) {
      const res = await rawGet('/jobs?unit=1307', { 'accept-encoding': encoding });
      expect(res.headers['content-encoding']).toBe(encoding);
      const raw = res.body;
      expect(raw.length).toBeLessThan(Buffer.byteLength(first.text) / 3);
      const html = (encoding === 'br' ? zlib.brotliDecompressSync(raw) : zlib.gunzipSync(raw)).toString();
      expect(html).toBe(first.text);
    }
    // The visitor's language is part of the key.
    const english = await t.agent().get('/jobs?unit=1307').set('Accept-Language', 'en');
    expect(english.text).toContain('days left');
    expect(first.text).toContain('天）');
    expect(await sessions()).toBe(before);
  });

  it('show a change on the very next request, whoever wrote it', async () => {
    const school = await makeOrg({ county: '130722', name: '张北县第九中学' });
    const vacancy = await makeOpenVacancy(school, { title: '初中美术教师（缓存测试）' });
    const board = async () => (await t.agent().get('/jobs?county=130722')).text;
    const page = async () => t.agent().get(`/jobs/${String(vacancy._id)}`);
    expect(await board()).toContain('初中美术教师（缓存测试）');
    expect((await page()).text).toContain('初中美术教师（缓存测试）');
    expect(await board()).toContain('初中美术教师（缓存测试）'); // now from the cache

    // Written straight to the database, as another instance would: only the stamp can tell this one.
    await Vacancy.updateOne({ _id: vacancy._id }, { $set: { title: '初中美术教师（已改名）' } });
    expect(await board()).toContain('初中美术教师（已改名）');
    expect((await page()).text).toContain('初中美术教师（已改名）');

    await Vacancy.updateOne({ _id: vacancy._id }, { $set: { status: 'closed', closedAt: t.clock.now() } });
    expect(await board()).not.toContain('初中美术教师');
    const closed = await page();
    expect(closed.status).toBe(200); // closed vacancies keep their page, read-only
    expect((await t.agent().get('/api/v1/vacancies?county=130722&perPage=100')).text).not.toContain(
      String(vacancy._id),
    );
    expect((await t.agent().get(`/jobs/${new Types.ObjectId().toHexString()}`)).status).toBe(404);
  });

  it('count the days left down on time, without any write', async () => {
    const school = await makeOrg({ county: '130722', name: '张北县第十中学' });
    const deadline = new Date(t.clock.now().getTime() + 3 * DAY - 60_000);
    const vacancy = await makeOpenVacancy(school, { title: '小学音乐教师（倒计时）', deadline });
    const page = async () => (await t.agent().get(`/jobs/${String(vacancy._id)}`)).text;
    expect(await page()).toContain('还有 3 天');
    expect(await page()).toContain('还有 3 天');
    // A day on (the clock only): the kept page has expired at the moment its count changed.
    t.clock.advance(DAY);
    expect(await page()).toContain('还有 2 天');
  });

  it('are not served to signed-in people, whose pages are their own', async () => {
    const anonymous = await t.agent().get('/jobs');
    expect(anonymous.text).not.toContain('action="/me/alerts"');
    const candidate = t.agent();
    await loginAs(candidate, 'candidate@demo.teachbridge.cn', DEMO_PASSWORD);
    const mine = await candidate.get('/jobs');
    expect(mine.text).toContain('action="/me/alerts"');
    expect(mine.headers.etag).not.toBe(anonymous.headers.etag);
  });
});
