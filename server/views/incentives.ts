// Incentive programmes and awards as their pages show them, in the reader's language: for sponsors, coordinators and
// teachers alike.
import type { Request } from 'express';
import type { ProgrammeDoc } from '../../models/IncentiveProgramme';
import type { Awards } from '../services/awards';
import { criteriaOf, placesLeft, wholeAward } from '../services/incentives';
import { unitName } from '../services/regions';
import { options } from '../services/taxonomy';
import { cstDate } from './present';

/** A programme as its pages show it, in the reader's language. */
export function presentProgramme(p: ProgrammeDoc, req: Request) {
  const c = criteriaOf(p);
  const names = (keys: string[], kind: 'stages' | 'subjects' | 'postTypes') => {
    const all = options(kind, req.locale);
    return keys.map((k) => all.find((o) => o.value === k)?.label ?? k).join('、');
  };
  return {
    id: String(p._id),
    name: p.name,
    sponsorName: p.sponsorName,
    status: p.status,
    kindLabel: req.t(`incentives.kinds.${p.kind}`),
    amountLabel: req.t(`incentives.amount.${p.period}`, { amount: p.amount.toLocaleString('zh-CN'), count: p.periods }),
    wholeAward: wholeAward(p).toLocaleString('zh-CN'),
    places: p.places,
    placesUsed: p.placesUsed,
    placesLeft: placesLeft(p),
    budget: p.budget.toLocaleString('zh-CN'),
    startsOn: cstDate(p.startsOn),
    endsOn: cstDate(p.endsOn),
    terms: req.locale === 'en' ? p.termsEn : p.termsZh,
    reviewComment: p.reviewComment,
    criteria: {
      units: c.units.map((u) => unitName(u, req.locale)).join('、'),
      counties: c.counties.length,
      ruralOnly: c.ruralOnly,
      stages: names(c.stages, 'stages'),
      subjects: names(c.subjects, 'subjects'),
      postTypes: names(c.postTypes, 'postTypes'),
      shortageOnly: c.shortageOnly,
      graduatesOf: p.graduatesOfName,
    },
    editable: p.status === 'draft' || p.status === 'returned',
  };
}

/** An award with its schedule, as the teacher and the sponsor read it. */
export function presentAward(
  a: Awaited<ReturnType<Awards['forTeacher']>>[number] & { teacherName?: string | null; due?: number; paid?: number },
  req: Request,
  now?: Date,
) {
  const { award, programme, schedule, placement } = a;
  return {
    id: String(award._id),
    placeNo: award.placeNo + 1,
    name: award.name,
    sponsorName: programme?.sponsorName ?? '',
    status: award.status,
    amountLabel: req.t(`incentives.amount.${award.period}`, {
      amount: award.amount.toLocaleString('zh-CN'),
      count: award.periods,
    }),
    terms: programme ? (req.locale === 'en' ? programme.termsEn : programme.termsZh) : '',
    shareName: award.shareName,
    teacherName: a.teacherName ?? null,
    school: placement?.schoolName ?? '',
    start: cstDate(placement?.startDate),
    due: (a.due ?? 0).toLocaleString('zh-CN'),
    paid: (a.paid ?? 0).toLocaleString('zh-CN'),
    awaitingAcceptance: award.status === 'reserved',
    nothingDue: nothingDueBecause(a, req, now),
    schedule: schedule.map((r) => ({
      period: r.period,
      endsAt: cstDate(r.endsAt),
      amount: r.amount.toLocaleString('zh-CN'),
      status: r.status,
      due: r.status === 'due',
    })),
  };
}

/**
 * Why an award has nothing due now, in words (null while something is due): awaiting the teacher's acceptance, ended,
 * a period paused by a missed or negative check-in, the next period not yet due or ended and awaiting its check-in
 * (told apart only when `now` is given), or everything paid.
 */
function nothingDueBecause(
  a: Pick<Awaited<ReturnType<Awards['forTeacher']>>[number], 'award' | 'schedule' | 'placement'>,
  req: Request,
  now?: Date,
): string | null {
  const { award, schedule, placement } = a;
  if (schedule.some((r) => r.status === 'due')) return null;
  if (award.status === 'reserved') return req.t('incentives.funded.why.awaitingAcceptance');
  if (award.status === 'ended' || (placement?.leftAt && !schedule.some((r) => r.status === 'scheduled')))
    return req.t('incentives.funded.why.ended', { date: cstDate(placement?.leftAt ?? award.endedAt) });
  const reasons: string[] = [];
  const paused = schedule.filter((r) => r.status === 'paused').map((r) => r.period);
  if (paused.length)
    reasons.push(req.t('incentives.funded.why.paused', { periods: paused.join(', '), count: paused.length }));
  const next = schedule.find((r) => r.status === 'scheduled');
  // A period that has ended waits for its check-in; one still running is simply not due yet.
  if (next)
    reasons.push(
      req.t(now && next.endsAt <= now ? 'incentives.funded.why.awaitingCheckIn' : 'incentives.funded.why.notYet', {
        period: next.period,
        date: cstDate(next.endsAt),
      }),
    );
  if (!reasons.length && schedule.length && schedule.every((r) => r.status === 'paid'))
    reasons.push(req.t('incentives.funded.why.allPaid'));
  return reasons.length ? reasons.join(req.t('incentives.funded.why.separator')) : null;
}
