// The coordinator's placement registry: filters, retention figures and a CSV export, within their scope.
import { Router, type Request } from 'express';
import type { RouteDeps } from '.';
import { actorOf, requireRole } from '../server/middleware/guards';
import { toCsv } from '../server/services/csv';
import { commitmentEnd, retention } from '../server/services/placements';
import {
  countyInUnit,
  countyLabel,
  hebeiUnits,
  placeLabel,
  placeOptionGroups,
  unitName,
} from '../server/services/regions';
import { options, postTypeName } from '../server/services/taxonomy';
import { datedActivities, datedCheckIns, presentSuggestions } from './mentors';
import { cstDate } from '../server/views/present';
import { PLACEMENT_STATES } from '../models/Placement';

function filters(req: Request) {
  const q = req.query as Record<string, unknown>;
  const s = (k: string) => (typeof q[k] === 'string' && q[k] !== '' ? (q[k] as string).slice(0, 40) : undefined);
  const unit = s('unit');
  const county = s('county');
  return {
    unit,
    // A county outside the city chosen is refused (the page says so: see refusedCounty).
    county: unit && county && !countyInUnit(county, unit) ? undefined : county,
    school: s('school'),
    postType: s('postType'),
    partner: s('partner'),
    cohort: Number(s('cohort')) || undefined,
    status: PLACEMENT_STATES.find((x) => x === s('status')),
    flagged: s('flagged') === '1',
  };
}

/** The county the query names outside the city it also names, for the page to say it was refused. */
function refusedCounty(req: Request): string | undefined {
  const { unit, county } = req.query;
  return typeof unit === 'string' && unit && typeof county === 'string' && county && !countyInUnit(county, unit)
    ? county
    : undefined;
}

export function registryRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  router.use('/coordinator/placements', requireRole('coordinator'));

  router.get('/coordinator/placements', async (req, res) => {
    const f = filters(req);
    const refused = refusedCounty(req);
    const now = clock.now();
    const list = await services.placements.registry(actorOf(req), f);
    const choices = await services.placements.registryChoices(actorOf(req));
    const qs = new URLSearchParams(
      Object.entries(f)
        .filter(([, v]) => v !== undefined && v !== false)
        .map(([k, v]): [string, string] => [k, String(v === true ? 1 : v)]),
    ).toString();
    res.render('pages/placements/registry', {
      title: req.t('placements.registry.title'),
      f,
      items: list.map((p) => ({
        ...p,
        id: String(p._id),
        start: cstDate(p.startDate),
        end: cstDate(commitmentEnd(p.startDate, p.commitmentYears, p.suspensions, now)),
        place: placeLabel(p.countyCode, req.locale),
        postTypeName: postTypeName(p.postType, req.locale),
      })),
      retention: retention(list, now),
      units: hebeiUnits(req.locale).map((u) => ({ ...u, selected: u.code === f.unit })),
      postTypes: options('postTypes', req.locale, f.postType),
      counties: placeOptionGroups(req.locale, f.county, { hebeiOnly: true }),
      countyRefused: refused
        ? req.t('jobs.countyNotInUnit', {
            county: countyLabel(refused, req.locale),
            unit: unitName(f.unit!, req.locale),
          })
        : null,
      schools: choices.schools.map((o) => ({ ...o, selected: o.id === f.school })),
      partners: choices.partners.map((o) => ({ ...o, selected: o.id === f.partner })),
      states: PLACEMENT_STATES.map((s) => ({ value: s, selected: s === f.status })),
      csvUrl: `/coordinator/placements.csv${qs ? `?${qs}` : ''}`,
    });
  });

  // One placement as the coordinator sees it: facts, check-in answers, mentoring, and matching a mentor.
  router.get('/coordinator/placements/:id', async (req, res) => {
    const now = clock.now();
    const p = await services.placements.forCoordinator(actorOf(req), String(req.params.id));
    const open = ['onboarding', 'active', 'suspended'].includes(p.status);
    const suggestions = open ? (await services.mentors.suggestions(actorOf(req), String(p._id))).slice(0, 8) : [];
    res.render('pages/placements/coordinator', {
      title: p.teacherName,
      p: {
        ...p,
        id: String(p._id),
        start: cstDate(p.startDate),
        end: cstDate(commitmentEnd(p.startDate, p.commitmentYears, p.suspensions, now)),
        place: placeLabel(p.countyCode, req.locale),
        postTypeName: postTypeName(p.postType, req.locale),
      },
      checkIns: await datedCheckIns(services, p._id),
      activities: await datedActivities(services, p._id),
      suggestions: presentSuggestions(suggestions, req.locale),
    });
  });

  router.get('/coordinator/placements.csv', requireRole('coordinator'), async (req, res) => {
    const now = clock.now();
    const list = await services.placements.registry(actorOf(req), filters(req));
    const header = ['teacher', 'school', 'post', 'place', 'postType', 'start', 'end', 'status', 'flagged'].map((k) =>
      req.t(`placements.registry.csv.${k}`),
    );
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', 'attachment; filename="placements.csv"');
    res.send(
      toCsv([
        header,
        ...list.map((p) => [
          p.teacherName,
          p.schoolName,
          p.title,
          placeLabel(p.countyCode, req.locale),
          postTypeName(p.postType, req.locale),
          cstDate(p.startDate),
          cstDate(commitmentEnd(p.startDate, p.commitmentYears, p.suspensions, now)),
          req.t(`placements.states.${p.status}`),
          p.flagged ? '1' : '',
        ]),
      ]),
    );
  });

  return router;
}
