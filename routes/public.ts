import { Router } from 'express';
import mongoose from 'mongoose';
import type { RouteDeps } from '.';
import { databaseHealth } from '../server/db/health';
import { keepUntil } from '../server/middleware/publicCache';
import { daysLeftChangesAt, presentVacancy } from '../server/views/present';

/** How many of the newest open posts the home page lists. */
const HOME_LATEST = 6;

export function publicRouter({ engine, lifecycle, services, clock }: RouteDeps): Router {
  const router = Router();

  // The newest open posts come from the in-memory catalogue (as the board does), never a database scan.
  router.get('/', async (req, res) => {
    const { catalogue } = services;
    const now = clock.now();
    const latest = await catalogue.search({ sort: 'newest', page: 1 }, HOME_LATEST);
    for (const v of latest.items) keepUntil(res, daysLeftChangesAt(v.deadline, now));
    keepUntil(res, catalogue.incentivesChangeAt);
    const sponsored = catalogue.withIncentive(latest.items);
    res.render('pages/home', {
      title: req.t('home.title'),
      latest: latest.items.map((v) => ({
        ...presentVacancy(v, req.locale, now),
        incentive: sponsored.has(String(v._id)),
      })),
      total: latest.total,
    });
  });

  /** For load balancers and people: 200 when the database answers a ping, 503 when it does not. */
  router.get('/healthz', async (req, res) => {
    let database: 'up' | 'down' = 'down';
    try {
      const db = mongoose.connection.db;
      // A database whose heartbeat has gone silent is down for this purpose: answered at once, before the stall guard.
      if (db && databaseHealth.answering) {
        await Promise.race([
          db.admin().command({ ping: 1 }),
          new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 2000).unref()),
        ]);
        database = 'up';
      }
    } catch {
      database = 'down';
    }
    res.set('Cache-Control', 'no-store');
    if (lifecycle.draining) return res.status(503).json({ status: 'draining', database, engine });
    res
      .status(database === 'up' ? 200 : 503)
      .json({ status: database === 'up' ? 'ok' : 'unavailable', database, engine });
  });

  return router;
}
