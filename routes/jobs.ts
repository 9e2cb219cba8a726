// The public job board, vacancy and announcement pages, the Atom feed and the JSON listing.
import { placesLeft } from '../server/services/incentives';
import { Router } from 'express';
import type { RouteDeps } from '.';
import { hasFilters, parseFilters, refusedCounty, toQueryString } from '../server/services/board';
import { vacancySummary } from '../server/services/jobs';
import { countyLabel, hebeiUnits, placeOptionGroups, unitName } from '../server/services/regions';
import { options } from '../server/services/taxonomy';
import {
  daysLeftChangesAt,
  describeEligibility,
  pager,
  presentAnnouncement,
  presentMyApplication,
  presentVacancy,
} from '../server/views/present';
import { actorOf } from '../server/middleware/guards';
import { keepUntil } from '../server/middleware/publicCache';
import { databaseHealth } from '../server/db/health';
import { evaluateEligibility } from '../server/services/eligibility';
import type { Locale } from '../server/i18n';

const xml = (s: unknown) =>
  String(s ?? '').replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

export function jobsRouter({ services, clock, config }: RouteDeps): Router {
  const router = Router();
  const { jobs, announcements, catalogue } = services;
  const base = config.baseUrl;

  router.get('/jobs', async (req, res) => {
    const f = parseFilters(req.query as Record<string, unknown>);
    const refused = refusedCounty(req.query as Record<string, unknown>);
    const now = clock.now();
    const result = await catalogue.search(f);
    const drives = catalogue.drives();
    for (const v of result.items) keepUntil(res, daysLeftChangesAt(v.deadline, now));
    keepUntil(res, catalogue.incentivesChangeAt);
    const sponsored = catalogue.withIncentive(result.items);
    // A candidate's board marks the posts they applied to and the ones they saved (two queries for the page).
    const candidate = req.user?.role === 'candidate' ? actorOf(req) : null;
    const [mine, saved] = candidate
      ? await Promise.all([
          services.applications.statusesFor(
            candidate,
            result.items.map((v) => v._id),
          ),
          services.saved.ids(candidate),
        ])
      : [new Map<string, { id: string; state: string }>(), new Set<string>()];
    const qs = toQueryString(f);
    const pageLink = (page: number) => `/jobs?${toQueryString(f, { page })}`.replace(/\?$/, '');
    res.render('pages/jobs/index', {
      title: req.t('jobs.title'),
      f,
      qs,
      filtered: hasFilters(f),
      items: result.items.map((v) => ({
        ...presentVacancy(v, req.locale, now),
        incentive: sponsored.has(String(v._id)),
        mine: presentMyApplication(mine.get(String(v._id)), req.locale),
        canSave: Boolean(candidate),
        saved: saved.has(String(v._id)),
      })),
      back: req.originalUrl,
      total: result.total,
      ...pager(result, pageLink),
      units: hebeiUnits(req.locale).map((u) => ({ ...u, selected: u.code === f.unit })),
      counties: placeOptionGroups(req.locale, f.county, { hebeiOnly: true }),
      countyRefused:
        refused && f.unit
          ? req.t('jobs.countyNotInUnit', {
              county: countyLabel(refused, req.locale),
              unit: unitName(f.unit, req.locale),
            })
          : null,
      stages: options('stages', req.locale, f.stage),
      subjects: options('subjects', req.locale, f.subject),
      postTypes: options('postTypes', req.locale, f.postType),
      drives: drives.map((a) => ({ value: String(a._id), label: a.title, selected: String(a._id) === f.announcement })),
      feedUrl: `/jobs/feed.xml${qs ? `?${qs}` : ''}`,
      canSaveAlert: req.user?.role === 'candidate',
      encodedJobsUrl: encodeURIComponent(`/jobs${qs ? `?${qs}` : ''}`),
    });
  });

  router.get('/jobs/feed.xml', async (req, res) => {
    const f = parseFilters(req.query as Record<string, unknown>);
    const now = clock.now();
    const locale: Locale = req.locale;
    const items = await catalogue.openedSince(f, new Date(0), 50);
    const qs = toQueryString(f);
    const updated = (items[0]?.openedAt ?? now).toISOString();
    const entries = items
      .map((v) => {
        const s = vacancySummary(v, locale, base);
        const summary = `${s.school} · ${s.place} · ${s.stageName}${s.subjectName} · ${s.postTypeName} · ${req.t('jobs.deadline')} ${presentVacancy(v, locale, now).deadlineDate}`;
        return `  <entry>
    <id>${xml(s.url)}</id>
    <title>${xml(s.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(s.url)}"/>
    <updated>${(v.openedAt ?? v.updatedAt).toISOString()}</updated>
    <published>${(v.openedAt ?? v.updatedAt).toISOString()}</published>
    <author><name>${xml(s.school)}</name></author>
    <summary>${xml(summary)}</summary>
  </entry>`;
      })
      .join('\n');
    res.type('application/atom+xml; charset=utf-8').send(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${locale}">
  <id>${xml(`${base}/jobs/feed.xml${qs ? `?${qs}` : ''}`)}</id>
  <title>${xml(req.t('jobs.feedTitle'))}</title>
  <link rel="self" href="${xml(`${base}/jobs/feed.xml${qs ? `?${qs}` : ''}`)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${base}/jobs${qs ? `?${qs}` : ''}`)}"/>
  <updated>${updated}</updated>
${entries}
</feed>
`);
  });

  router.get('/api/v1/vacancies', async (req, res) => {
    const f = parseFilters(req.query as Record<string, unknown>);
    const perPage = Math.min(100, Math.max(1, Number(req.query.perPage) || 20));
    const result = await catalogue.search(f, perPage);
    const link = (page: number) =>
      `${base}/api/v1/vacancies?${toQueryString(f, { page })}${perPage !== 20 ? `&perPage=${perPage}` : ''}`;
    res.set('Access-Control-Allow-Origin', '*');
    res.json({
      data: result.items.map((v) => vacancySummary(v, req.locale, base)),
      meta: { total: result.total, page: result.page, pages: result.pages, perPage },
      links: {
        self: link(result.page),
        next: result.page < result.pages ? link(result.page + 1) : null,
        prev: result.page > 1 ? link(result.page - 1) : null,
      },
    });
  });

  router.get('/jobs/:id', async (req, res) => {
    const id = String(req.params.id);
    // While the database does not answer, an open vacancy is shown as the catalogue holds it (without its long texts),
    // and that page is not kept.
    const { vacancy, school, announcement, partial } = await databaseHealth.orElse(
      async () => ({ ...(await jobs.getPublic(id)), partial: false }),
      () => catalogue.listedPage(id),
    );
    const v = presentVacancy(vacancy, req.locale, clock.now());
    if (vacancy.status === 'open') keepUntil(res, daysLeftChangesAt(vacancy.deadline, clock.now()));
    if (partial) keepUntil(res, 0);
    // Sponsored incentives this post offers (while it is open).
    const { offered, changesAt } =
      vacancy.status === 'open'
        ? await databaseHealth.orElse(
            () => services.incentives.offeredOn(vacancy),
            () => catalogue.offeredOn(vacancy),
          )
        : { offered: [], changesAt: Infinity };
    keepUntil(res, changesAt);
    const incentives = offered.map((p) => ({
      line: req.t('incentives.public.line', {
        sponsor: p.sponsorName,
        kind: req.t(`incentives.kinds.${p.kind}`),
        amount: req.t(`incentives.amount.${p.period}`, { amount: p.amount.toLocaleString('zh-CN'), count: p.periods }),
      }),
      name: p.name,
      graduatesOf: p.graduatesOfName,
      terms: req.locale === 'en' ? p.termsEn : p.termsZh,
      placesLeft: placesLeft(p),
    }));
    // A signed-in candidate sees where their own application stands (or, before applying, whether their profile
    // meets the requirements), and can save the post.
    let eligibility = null;
    let mine = null;
    let saved = false;
    if (req.user?.role === 'candidate') {
      const actor = actorOf(req);
      const [statuses, savedIds] = await Promise.all([
        services.applications.statusesFor(actor, [vacancy._id]),
        services.saved.ids(actor),
      ]);
      mine = presentMyApplication(statuses.get(String(vacancy._id)), req.locale);
      saved = savedIds.has(String(vacancy._id));
    }
    if (req.user?.role === 'candidate' && !mine) {
      const profile = await services.profiles.find(req.user.id);
      const on = announcement?.openedAt ?? vacancy.openedAt ?? clock.now();
      eligibility = describeEligibility(
        evaluateEligibility(
          { ...vacancy.requirements, stage: vacancy.stage, subject: vacancy.subject },
          profile ?? {},
          on,
        ),
        req.locale,
      );
    }
    const url = `${base}/jobs/${v.id}`;
    const jsonLd = {
      '@context': 'https://schema.org/',
      '@type': 'JobPosting',
      title: v.title,
      description: v.description || `${v.schoolName} ${v.stageName}${v.subjectName}`,
      identifier: { '@type': 'PropertyValue', name: 'TeachBridge', value: v.id },
      datePosted: (v.openedAt ?? v.createdAt).toISOString(),
      validThrough: v.deadline.toISOString(),
      employmentType: 'FULL_TIME',
      totalJobOpenings: v.headcount,
      hiringOrganization: { '@type': 'Organization', name: v.schoolName },
      jobLocation: {
        '@type': 'Place',
        address: {
          '@type': 'PostalAddress',
          addressLocality: v.place,
          addressRegion: '河北省',
          addressCountry: 'CN',
          ...(school?.address ? { streetAddress: school.address } : {}),
        },
      },
      ...(v.payMin || v.payMax
        ? {
            baseSalary: {
              '@type': 'MonetaryAmount',
              currency: 'CNY',
              value: {
                '@type': 'QuantitativeValue',
                ...(v.payMin ? { minValue: v.payMin } : {}),
                ...(v.payMax ? { maxValue: v.payMax } : {}),
                unitText: 'MONTH',
              },
            },
          }
        : {}),
      ...(incentives.length ? { incentiveCompensation: incentives.map((i) => `${i.name}: ${i.line}`).join('; ') } : {}),
      url,
    };
    res.render('pages/jobs/show', {
      incentives,
      title: v.title,
      v,
      school,
      announcement: announcement ? presentAnnouncement(announcement, req.locale) : null,
      jsonLd,
      og: { title: v.title, description: `${v.schoolName} · ${v.place} · ${v.stageName}${v.subjectName}`, url },
      closed: v.status !== 'open',
      partial,
      eligibility,
      mine,
      saved,
      candidate: req.user?.role === 'candidate',
    });
  });

  router.get('/announcements', async (req, res) => {
    const page = Math.max(1, Math.min(500, Number(req.query.page) || 1));
    // Closed drives are hidden unless asked for (?closed=1), so the list opens on what one can still apply to.
    const closed = req.query.closed === '1';
    const result = await announcements.listPublic(page, { closed });
    const link = (p: number) => `/announcements?${closed ? 'closed=1&' : ''}page=${p}`;
    res.render('pages/announcements/index', {
      title: req.t('announcements.title'),
      items: result.items.map((a) => presentAnnouncement(a, req.locale)),
      closed,
      ...pager({ page, pages: result.pages }, link),
    });
  });

  router.get('/announcements/:id', async (req, res) => {
    const { announcement, vacancies } = await announcements.getPublic(String(req.params.id));
    const now = clock.now();
    const a = presentAnnouncement(announcement, req.locale);
    res.render('pages/announcements/show', {
      title: a.title,
      a,
      vacancies: vacancies.map((v) => presentVacancy(v, req.locale, now)),
      boardLink: `/jobs?announcement=${a.id}`,
    });
  });

  return router;
}
