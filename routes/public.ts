import { Router } from 'express';
import mongoose from 'mongoose';
import type { RouteDeps } from '.';
import { databaseHealth } from '../server/db/health';

export function publicRouter({ engine, lifecycle }: RouteDeps): Router {
  const router = Router();

  router.get('/', (req, res) => {
    res.render('pages/home', { title: req.t('home.title') });
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
