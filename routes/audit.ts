// The audit log for coordinators (a unit's coordinator, their unit's events): who changed what and who read
// protected personal data, filtered, and as CSV; every filter in the URL.
import { Router, type Request } from 'express';
import type { RouteDeps } from '.';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { toCsv } from '../server/services/csv';
import type { AuditFilters } from '../server/services/events';
import { isDay } from '../server/services/formats';
import { unitName } from '../server/services/regions';
import { cstDate, cstDateTime, endOfCstDay } from '../server/views/present';

function filtersOf(req: Request): { f: AuditFilters; values: Record<string, string> } {
  const q = req.query as Record<string, unknown>;
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim().slice(0, 100) : '');
  const day = (v: string) => (isDay(v) ? v : '');
  const values = {
    action: s('action').replace(/[^\w.]/g, ''),
    actorEmail: s('actorEmail'),
    subjectType: s('subjectType').replace(/[^\w]/g, ''),
    subjectId: s('subjectId').replace(/[^\w:.-]/g, ''),
    from: day(s('from')),
    to: day(s('to')),
  };
  return {
    values,
    f: {
      action: values.action || undefined,
      actorEmail: values.actorEmail || undefined,
      subjectType: values.subjectType || undefined,
      subjectId: values.subjectId || undefined,
      from: values.from ? new Date(`${values.from}T00:00:00+08:00`) : undefined,
      to: values.to ? endOfCstDay(values.to) : undefined,
    },
  };
}

export function auditRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { events } = services;
  router.use(['/coordinator/audit', '/coordinator/audit.csv'], requireRole('coordinator'));

  router.get('/coordinator/audit', async (req, res) => {
    const { f, values } = filtersOf(req);
    const { rows, more } = await events.search(actorOf(req), f);
    const qs = new URLSearchParams(Object.entries(values).filter(([, v]) => v)).toString();
    const { scopeUnit } = actorOf(req);
    res.render('pages/coordinator/audit', {
      title: req.t('audit.title'),
      scope: scopeUnit ? unitName(scopeUnit, req.locale) : null,
      rows,
      more,
      values,
      csvUrl: `/coordinator/audit.csv${qs ? `?${qs}` : ''}`,
    });
  });

  router.get('/coordinator/audit.csv', async (req, res) => {
    const { f } = filtersOf(req);
    const { rows } = await events.search(actorOf(req), f);
    await events.record(actorCtx(req), 'audit.exported', { type: 'Event', id: 'search' }, { rows: rows.length });
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="teachbridge-audit-${cstDate(clock.now())}.csv"`);
    res.send(
      toCsv([
        ['at', 'action', 'actor', 'subjectType', 'subjectId', 'summary', 'requestId'].map((k) =>
          req.t(`audit.columns.${k}`),
        ),
        ...rows.map((r) => [
          cstDateTime(r.at, { seconds: true }),
          r.action,
          r.actor,
          r.subjectType,
          r.subjectId,
          r.summary,
          r.requestId,
        ]),
      ]),
    );
  });

  return router;
}
