// A partner's referral list pages (50 a page) and searches by name; the dashboard's by-city table is sorted by the
// number of referrals (largest first, suppressed small groups alike), then by the city's name.
import { Types } from 'mongoose';
import { Application } from '../../models/Application';
import { Referral } from '../../models/Referral';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { loginAs } from '../helpers/http';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });
const DAY = 86_400_000;

async function partnerWith(names: string[]) {
  const partner = await makeOrg({ kind: 'university', county: '110108', name: `分页测试大学${names.length}` });
  const staff = await makeUser({ role: 'staff', org: partner._id });
  const now = t.clock.now().getTime();
  const referrals = await Referral.insertMany(
    names.map((name, i) => ({
      partner: partner._id,
      partnerName: partner.name,
      referredBy: staff._id,
      name,
      email: `ref${i}-${String(partner._id)}@test.cn`,
      major: '英语',
      graduationYear: 2027,
      // The first name is the oldest invitation, the last the newest.
      invitedAt: new Date(now - (names.length - i) * 60_000),
      expiresAt: new Date(now + 30 * DAY),
    })),
  );
  const agent = t.agent();
  await loginAs(agent, staff.email);
  return { agent, referrals };
}

const unescape = (html: string) => html.replace(/&#x3D;/g, '=');
const rows = (html: string) =>
  [...html.matchAll(/<tr><td><a href="\/partner\/referrals\/[a-f\d]{24}">([^<]+)<\/a>/g)].map((m) => m[1]!);

describe('referral list', () => {
  it('when a partner has more than 50 referrals, then the list shows 50 a page, newest first, with links between pages', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `学生${String(i + 1).padStart(3, '0')}`);
    const { agent } = await partnerWith(names);
    const first = await agent.get('/partner/referrals');
    expect(first.text).toContain('共 120 人');
    expect(rows(first.text)).toHaveLength(50);
    expect(rows(first.text)[0]).toBe('学生120');
    expect(unescape(first.text)).toContain('href="/partner/referrals?page=2" rel="next"');
    const third = await agent.get('/partner/referrals?page=3');
    expect(rows(third.text)).toHaveLength(20);
    expect(rows(third.text).at(-1)).toBe('学生001');
    expect(unescape(third.text)).toContain('href="/partner/referrals?page=2" rel="prev"');
    expect(third.text).not.toContain('rel="next"');
    // Past the end: the last page, not an empty one.
    expect(rows((await agent.get('/partner/referrals?page=99')).text)).toHaveLength(20);
  });

  it('when a partner searches by name, then only matching graduates are listed, in any case, and the search is kept across pages', async () => {
    const { agent } = await partnerWith(['王芳', '王小明', '李娜', 'Wang Fang']);
    const wang = await agent.get(`/partner/referrals?name=${encodeURIComponent('王')}`);
    expect(rows(wang.text).sort()).toEqual(['王小明', '王芳']);
    expect(wang.text).toContain('共 2 人');
    expect(wang.text).toContain(`value="王"`);
    expect(rows((await agent.get('/partner/referrals?name=wang')).text)).toEqual(['Wang Fang']);
    const none = await agent.get(`/partner/referrals?name=${encodeURIComponent('赵')}`);
    expect(none.text).toContain('没有符合条件的推荐记录。');

    const many = await partnerWith(Array.from({ length: 60 }, (_, i) => `张${i}`));
    const page = await many.agent.get(`/partner/referrals?name=${encodeURIComponent('张')}`);
    expect(unescape(page.text)).toContain(
      `href="/partner/referrals?name=${encodeURIComponent('张')}&amp;page=2" rel="next"`,
    );
  });

  it('when a partner reads the list in English, then one graduate is "1 graduate"', async () => {
    const { agent } = await partnerWith(['Li Lei']);
    expect((await agent.get('/partner/referrals?lang=en')).text).toContain('1 graduate ·');
  });
});

describe('dashboard by city', () => {
  it('when referrals applied in several cities, then the cities are listed by size, then by name', async () => {
    // Newest last: the Shijiazhuang referral is newest, so unsorted it would come first.
    const units = ['1310', '1310', '1310', '1310', '1310', '1307', '1307', '1307', '1307', '1307'];
    units.push('1306', '1306', '1306', '1306', '1301');
    const { agent, referrals } = await partnerWith(units.map((_, i) => `城市${i}`));
    await Application.collection.insertMany(
      referrals.map((r, i) => ({
        referral: r._id,
        unitCode: units[i],
        stage: 'submitted',
        vacancy: new Types.ObjectId(),
        candidate: new Types.ObjectId(),
      })),
    );
    const page = (await agent.get('/partner')).text;
    const table = page.slice(page.indexOf('按城市排列'));
    const cities = [...table.slice(0, table.indexOf('</table>')).matchAll(/<tr><th scope="row">([^<]+)<\/th>/g)].map(
      (m) => m[1],
    );
    // 廊坊市 (5) and 张家口市 (5) by name (Langfang before Zhangjiakou), then 保定市 (4), then 石家庄市 (<3).
    expect(cities).toEqual(['廊坊市', '张家口市', '保定市', '石家庄市']);
    expect(page).toContain('按城市排列：推荐人数多的在前，人数相同按城市名称');
  });
});
