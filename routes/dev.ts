// Local mode only: the mailbox where emails land instead of going out over SMTP.
import path from 'node:path';
import { Router } from 'express';
import type { RouteDeps } from '.';
import { NotFoundError } from '../server/errors';
import { listMailbox, readMailbox } from '../server/mail/transport';

export function mailboxDir(dataDir: string): string {
  return path.join(dataDir, 'mail');
}

export function devRouter({ config, services, clock }: RouteDeps): Router {
  const router = Router();
  const dir = mailboxDir(config.dataDir);

  router.get('/mailbox', async (req, res) => {
    const mails = await listMailbox(dir);
    res.render('pages/dev/mailbox', { title: req.t('dev.mailbox.title'), mails: mails.slice(0, 200) });
  });

  router.get('/mailbox/:id', async (req, res) => {
    const mail = await readMailbox(dir, String(req.params.id));
    if (!mail) throw new NotFoundError();
    res.render('pages/dev/mail', { title: mail.subject, mail });
  });

  // Local mode only: send job-alert digests now instead of waiting for their day, to try alerts out.
  router.post('/alerts/send', async (req, res) => {
    const sent = await services.alerts.sendDigests(clock.now(), { ignorePeriod: true });
    req.flash('info', 'dev.mailbox.digestsSent', { count: sent });
    res.redirect(303, '/dev/mailbox');
  });

  return router;
}
