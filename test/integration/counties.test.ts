// The county picker: every county named in the reader's language, with its city where the name repeats; the picker
// follows the city chosen, and the server refuses a county outside it (board, registry, sponsor programmes).
import { IncentiveProgramme } from '../../models/IncentiveProgramme';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { csrfFrom, loginAs } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

/** The options of the county select, as [value, label]. */
function countyOptions(html: string): [string, string][] {
  const select = /<select id="f-county"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
  return [...select.matchAll(/<option value="(\d+)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1]!, m[2]!]);
}

const decode = (s: string) => s.replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&');

describe('county names', () => {
  it('when a county name exists in two cities, then the picker names each with its city', async () => {
    const zh = countyOptions((await t.agent().get('/jobs')).text);
    expect(zh).toContainEqual(['130104', '桥西区（石家庄市）']);
    expect(zh).toContainEqual(['130703', '桥西区（张家口市）']);
    expect(zh).toContainEqual(['130105', '新华区（石家庄市）']);
    expect(zh).toContainEqual(['130902', '新华区（沧州市）']);
    // A name found once stays short.
    expect(zh).toContainEqual(['130722', '张北县']);
    // Every label is unique, so no two options read the same.
    expect(new Set(zh.map(([, label]) => label)).size).toBe(zh.length);
  });

  it('when the board is read in English, then every county is named in English, with its city where names repeat', async () => {
    const en = countyOptions((await t.agent().get('/jobs?lang=en')).text).map(([v, l]): [string, string] => [
      v,
      decode(l),
    ]);
    expect(en).toContainEqual(['130722', 'Zhangbei County']);
    expect(en).toContainEqual(['130104', 'Qiaoxi District (Shijiazhuang)']);
    expect(en).toContainEqual(['130703', 'Qiaoxi District (Zhangjiakou)']);
    expect(en).toContainEqual(['130102', "Chang'an District"]);
    expect(en).toContainEqual(['130828', 'Weichang Manchu and Mongol Autonomous County']);
    // 魏县 (Handan) and 威县 (Xingtai) are both "Wei County" in English.
    expect(en).toContainEqual(['130434', 'Wei County (Handan)']);
    expect(en).toContainEqual(['130533', 'Wei County (Xingtai)']);
    expect(en.filter(([, label]) => /[\u4e00-\u9fff]/.test(label))).toEqual([]);
    expect(new Set(en.map(([, label]) => label)).size).toBe(en.length);
  });

  it('when a vacancy is shown in English, then its place is in English', async () => {
    const school = await makeOrg({ county: '130722', name: '张北县英文测试中学' });
    await makeOpenVacancy(school, { title: '张北英文地名测试', subject: 'english' });
    const page = (await t.agent().get(`/jobs?lang=en&q=${encodeURIComponent('张北英文地名测试')}`)).text;
    expect(page).toContain('Zhangbei County, Zhangjiakou');
    expect(page).not.toContain('Zhangjiakou 张北县');
  });
});

describe('a county outside the city chosen', () => {
  it('when the board is asked for a county outside the city chosen, then it refuses the county, says so and keeps the city', async () => {
    const zhangbei = await makeOrg({ county: '130722' });
    const tangshan = await makeOrg({ county: '130202' });
    await makeOpenVacancy(zhangbei, { title: '张北越界测试岗位' });
    await makeOpenVacancy(tangshan, { title: '路南越界测试岗位' });
    const res = await t.agent().get('/jobs?unit=1302&county=130722');
    expect(res.status).toBe(200);
    expect(res.text).toContain('张北县不在唐山市，未按它筛选');
    expect(res.text).not.toContain('张北越界测试岗位');
    expect(res.text).toContain('路南越界测试岗位');
    expect(res.text).toMatch(/<option value="1302" selected>/);
    expect(res.text).not.toMatch(/<option value="130722" selected>/);
    // A county in the city chosen is taken as before, without a word.
    const fine = await t.agent().get('/jobs?unit=1307&county=130722');
    expect(fine.text).not.toContain('未按它筛选');
    expect(fine.text).toContain('张北越界测试岗位');
    expect(fine.text).not.toContain('路南越界测试岗位');
    // A county alone chooses its city, which the city select then shows.
    const alone = await t.agent().get('/jobs?county=130722');
    expect(alone.text).toMatch(/<option value="1307" selected>/);
    expect(alone.text).toMatch(/<option value="130722" selected>/);
  });

  it('when the registry is asked for a county outside the city chosen, then it refuses the county and says so in English too', async () => {
    const agent = t.agent();
    await loginAs(agent, (await makeUser({ role: 'coordinator', locale: 'en' })).email);
    const res = await agent.get('/coordinator/placements?unit=1301&county=130703');
    expect(res.status).toBe(200);
    expect(decode(res.text)).toContain('Qiaoxi District (Zhangjiakou) is not in Shijiazhuang, so it was not applied');
    expect(countyOptions(res.text).find(([v]) => v === '130703')).toBeDefined();
  });

  it('when a sponsor chooses a county outside every city ticked, then the programme is refused naming the field, and nothing is lost', async () => {
    const sponsor = await makeOrg({ kind: 'sponsor', county: '110108' });
    const agent = t.agent();
    await loginAs(agent, (await makeUser({ role: 'staff', org: sponsor._id })).email);
    const token = csrfFrom((await agent.get('/sponsor/programmes/new')).text);
    const body = (counties: string[]) => {
      const b = new URLSearchParams({
        _csrf: token,
        name: '张家口乡村教师补贴',
        kind: 'housing_subsidy',
        amount: '500',
        period: 'month',
        periods: '12',
        places: '2',
        budget: '12000',
        startsOn: '2026-09-01',
        endsOn: '2027-08-31',
        termsZh: '每月补贴 500 元。',
        termsEn: '500 yuan a month.',
      });
      b.append('units', '1307');
      for (const c of counties) b.append('counties', c);
      return b.toString();
    };
    // 桥西区 of Shijiazhuang, not of Zhangjiakou: it could never match a Zhangjiakou post.
    const refused = await agent
      .post('/sponsor/programmes')
      .type('form')
      .send(body(['130722', '130104']));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('所选区县须在上面勾选的市内');
    expect(refused.text).toMatch(/<option value="130104" selected>桥西区（石家庄市）<\/option>/);
    expect(refused.text).toContain('value="张家口乡村教师补贴"');
    expect(await IncentiveProgramme.countDocuments({ sponsor: sponsor._id })).toBe(0);
    // An unknown county code is refused too.
    expect(
      (
        await agent
          .post('/sponsor/programmes')
          .type('form')
          .send(body(['139999']))
      ).status,
    ).toBe(422);
    const created = await agent
      .post('/sponsor/programmes')
      .type('form')
      .send(body(['130722', '130703']));
    expect(created.status).toBe(303);
  });
});
