import fs from 'node:fs';
import path from 'node:path';
import { flattenKeys, loadCatalogue, negotiateLocale, translator } from '../../server/i18n';
import { rootDir, viewsDir } from '../../server/paths';

// English has a singular and a plural form of a counted phrase (key_one, key_other); Chinese has one form (key).
const unplural = (k: string) => k.replace(/_(one|other)$/, '');
const zh = new Set(flattenKeys(loadCatalogue('zh-CN')).map(unplural));
const enForms = flattenKeys(loadCatalogue('en'));
const en = new Set(enForms.map(unplural));

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : filesUnder(full, ext);
    return ext.test(e.name) ? [full] : [];
  });
}

describe('catalogues', () => {
  it('when a key exists in one language, then it exists in the other', () => {
    expect([...zh].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !zh.has(k))).toEqual([]);
  });

  it('when a template or the code names a catalogue key, then the key exists', () => {
    const used = new Map<string, string>();
    for (const file of filesUnder(viewsDir, /\.hbs$/)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\{\{t "([\w.]+)"/g)) used.set(m[1]!, file);
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\(t "([\w.]+)"\)/g)) used.set(m[1]!, file);
    }
    for (const dir of ['server', 'routes']) {
      for (const file of filesUnder(path.join(rootDir, dir), /\.ts$/)) {
        const source = fs.readFileSync(file, 'utf8');
        for (const m of source.matchAll(/\b(?:t|req\.t|res\.locals\.t|flash\([^,]+,)\s*\(?'([a-z][\w]*(?:\.[\w]+)+)'/g))
          used.set(m[1]!, file);
        for (const m of source.matchAll(
          /'((?:validation|errors|auth|tokens|organisations|coordinator|account)\.[\w.]+)'/g,
        ))
          used.set(m[1]!, file);
      }
    }
    const missing = [...used]
      .filter(([key]) => !zh.has(key))
      .map(([key, file]) => `${key} (${path.relative(rootDir, file)})`);
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(50);
  });

  it('when a dynamic key is built from a model value, then every value has a label in both languages', () => {
    for (const prefix of ['organisations.kinds.', 'organisations.states.', 'roles.', 'organisations.alliances.']) {
      expect([...zh].filter((k) => k.startsWith(prefix)).sort()).toEqual(
        [...en].filter((k) => k.startsWith(prefix)).sort(),
      );
    }
    const { ORG_KINDS, VERIFICATION_STATES, ALLIANCES } = jest.requireActual('../../models/Organisation');
    for (const kind of ORG_KINDS) expect(zh.has(`organisations.kinds.${kind}`)).toBe(true);
    for (const state of VERIFICATION_STATES) expect(zh.has(`organisations.states.${state}`)).toBe(true);
    for (const a of ALLIANCES) expect(zh.has(`organisations.alliances.${a}`)).toBe(true);
  });

  it('when an English phrase counts something, then it has a singular and a plural form', () => {
    const catalogue = loadCatalogue('en');
    const text = (key: string) =>
      key.split('.').reduce<unknown>((d, k) => (d as Record<string, unknown>)[k], catalogue);
    const counted = enForms.filter((k) => String(text(k)).includes('{{count}}'));
    expect(counted.length).toBeGreaterThan(10);
    const unpaired = counted.filter(
      (k) =>
        !/_(one|other)$/.test(k) &&
        ![
          'emails.alertDigest.subject',
          'emails.overdueChecklist.subject',
          'mentors.minutesShort',
          'reports.funnel.tip',
        ].includes(k),
    );
    expect(unpaired).toEqual([]);
    for (const k of counted.filter((x) => x.endsWith('_one'))) expect(enForms).toContain(k.replace(/_one$/, '_other'));
  });

  it('when one thing is counted in English, then the phrase is singular; otherwise plural; Chinese has one form', () => {
    const en = translator('en');
    expect(en('jobs.headcount', { count: 1 })).toBe('1 opening');
    expect(en('jobs.headcount', { count: 2 })).toBe('2 openings');
    expect(en('jobs.count', { count: 1 })).toBe('1 job');
    expect(en('referrals.list.count', { count: 1 })).toBe('1 graduate');
    expect(en('incentives.public.placesLeft', { count: 1 })).toBe('1 place left');
    expect(en('incentives.amount.month', { amount: '500', count: 1 })).toBe('500 yuan a month, for at most 1 month');
    expect(translator('zh-CN')('jobs.headcount', { count: 1 })).toBe('招 1 人');
  });

  it('interpolates values into both languages', () => {
    expect(translator('zh-CN')('emails.greeting', { name: '张晓明' })).toBe('张晓明，您好：');
    expect(translator('en')('emails.greeting', { name: 'Li Na' })).toBe('Dear Li Na,');
  });
});

describe('Accept-Language', () => {
  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-FR,en;q=0.5,zh;q=0.7', 'zh-CN'],
    ['de-DE', undefined],
    ['zh-Hant-TW', 'zh-CN'],
    ['en;q=0, zh;q=0.1', 'zh-CN'],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});
