import { cutOff, maskName, places, rank, total } from '../../server/services/selection';

describe('scores and cut-offs', () => {
  it('weights written and interview scores 50/50 to two decimals, and uses the interview alone for contract posts', () => {
    expect(total('open_recruitment', 81.25, 88.5)).toBe(84.88);
    expect(total('open_recruitment', 80, null)).toBeNull();
    expect(total('open_recruitment', null, 80)).toBeNull();
    expect(total('contract', null, 77.333)).toBe(77.33);
  });

  it('ranks highest first with shared ranks for ties, leaving out those without a score', () => {
    const r = rank([{ s: 80 }, { s: 90 }, { s: null }, { s: 80 }, { s: 70 }], (x) => x.s);
    expect(r.map((x) => [x.score, x.rank])).toEqual([
      [90, 1],
      [80, 2],
      [80, 2],
      [70, 4],
    ]);
  });

  it('admits the top places and everyone tied at the cut-off', () => {
    const ranked = rank(
      [95, 90, 88, 88, 88, 70].map((s) => ({ s })),
      (x) => x.s,
    );
    expect(cutOff(ranked, 3).map((x) => x.score)).toEqual([95, 90, 88, 88, 88]);
    expect(cutOff(ranked, 2).map((x) => x.score)).toEqual([95, 90]);
    expect(cutOff(ranked, 10)).toHaveLength(6);
    expect(cutOff(ranked, 0)).toEqual([]);
  });

  it('opens interview places by ratio × headcount (1:2 open recruitment, 1:1.5 special posts) and medical places by headcount', () => {
    expect(places('interview', 'open_recruitment', 3)).toBe(6);
    expect(places('interview', 'special_post', 3)).toBe(5);
    expect(places('medical', 'special_post', 3)).toBe(3);
  });

  it.each([
    ['张晓明', '张*明'],
    ['李娜', '李*'],
    ['欧阳娜娜', '欧**娜'],
    ['Li Na', 'L* N*'],
  ])('masks %s as %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});
