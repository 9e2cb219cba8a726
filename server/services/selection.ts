// Scores, ranks and cut-offs: pure functions, so every gate is tested on its own.
// Cut-offs admit everyone tied with the last admitted score.

export interface PipelineRules {
  /** Share of the written score in the total (the interview has the rest). */
  writtenWeight: number;
  /** Interview admits the top ratio × headcount by written score (e.g. 2 for 1:2). */
  interviewRatio: number;
  /** Whether the public notice lists scores. */
  publishScores: boolean;
}

export const RULES: Record<string, PipelineRules> = {
  open_recruitment: { writtenWeight: 0.5, interviewRatio: 2, publishScores: true },
  special_post: { writtenWeight: 0.5, interviewRatio: 1.5, publishScores: true },
  contract: { writtenWeight: 0, interviewRatio: Number.POSITIVE_INFINITY, publishScores: false },
};

export const rulesFor = (pipeline: string): PipelineRules => RULES[pipeline] ?? RULES.open_recruitment!;

/** Two decimals, as score sheets print them. */
export const round2 = (n: number) => Math.round(n * 100) / 100;

export function total(
  pipeline: string,
  written: number | null | undefined,
  interview: number | null | undefined,
): number | null {
  const { writtenWeight } = rulesFor(pipeline);
  if (interview === null || interview === undefined) return null;
  if (writtenWeight === 0) return round2(interview);
  if (written === null || written === undefined) return null;
  return round2(written * writtenWeight + interview * (1 - writtenWeight));
}

export interface Ranked<T> {
  item: T;
  score: number;
  rank: number;
}

/** Highest first; equal scores share a rank (1, 2, 2, 4). Items without a score are left out. */
export function rank<T>(items: T[], score: (item: T) => number | null | undefined): Ranked<T>[] {
  const scored = items
    .map((item) => ({ item, score: score(item) }))
    .filter((x): x is { item: T; score: number } => typeof x.score === 'number')
    .sort((a, b) => b.score - a.score);
  let previous: number | null = null;
  let currentRank = 0;
  return scored.map((x, i) => {
    if (x.score !== previous) currentRank = i + 1;
    previous = x.score;
    return { ...x, rank: currentRank };
  });
}

/** The top `places` by score, plus everyone tied with the last place. */
export function cutOff<T>(ranked: Ranked<T>[], places: number): Ranked<T>[] {
  if (places <= 0 || ranked.length === 0) return [];
  if (places >= ranked.length) return ranked;
  const lastScore = ranked[places - 1]!.score;
  return ranked.filter((r, i) => i < places || r.score === lastScore);
}

/** How many places a gate opens: interview by ratio × headcount (rounded up), medical by headcount. */
export function places(gate: 'interview' | 'medical', pipeline: string, headcount: number): number {
  if (gate === 'medical') return headcount;
  const ratio = rulesFor(pipeline).interviewRatio;
  return Number.isFinite(ratio) ? Math.ceil(ratio * headcount) : Number.MAX_SAFE_INTEGER;
}

/** 张晓明 → 张*明, 李娜 → 李*, Li Na → L* N*: enough to recognise oneself, not to identify a stranger. */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (/^[\u3400-\u9fff·]+$/.test(trimmed)) {
    const chars = [...trimmed];
    if (chars.length <= 2) return `${chars[0]}*`;
    return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
  }
  return trimmed
    .split(/\s+/)
    .map((part) => `${part[0] ?? ''}*`)
    .join(' ');
}
