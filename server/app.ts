// Builds the Express app from injected infrastructure. No side effects: connecting, listening and starting the
// mail worker and the scheduler belong to server/index.ts (or to the test that needs them).
import express, { type ErrorRequestHandler } from 'express';
import session from 'express-session';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import mongoose from 'mongoose';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { csrfSync } from 'csrf-sync';
import type { Clock } from './clock';
import type { Config } from './config';
import { AppError, isDatabaseUnavailable, LinkError, ValidationError } from './errors';
import { DEFAULT_LOCALE, negotiateLocale, translator } from './i18n';
import { SessionNotSavedError, SessionStore } from './sessionStore';
import { housekeepingJobs, Scheduler, SESSION_COLLECTION, type Job } from './jobs';
import { httpLogger, type Logger } from './logger';
import { Notify } from './mail/notify';
import { Outbox } from './mail/outbox';
import type { MailTransport } from './mail/transport';
import { MailWorker } from './mail/worker';
import { errorList } from './middleware/forms';
import { flashMiddleware } from './middleware/flash';
import { multipartGate } from './middleware/uploads';
import { localeMiddleware } from './middleware/locale';
import { publicDir, viewsDir } from './paths';
import { Passwords } from './auth/passwords';
import { Accounts } from './services/accounts';
import { Events } from './services/events';
import { Alerts } from './services/alerts';
import { Saved } from './services/saved';
import { Announcements } from './services/announcements';
import { Jobs } from './services/jobs';
import { Incentives } from './services/incentives';
import { Awards } from './services/awards';
import { Catalogue } from './services/catalogue';
import { publicPageCache } from './middleware/publicCache';
import { isAbandoned, stallGuard } from './middleware/stallGuard';
import { databaseHealth, DatabaseStalledError } from './db/health';
import { Organisations } from './services/organisations';
import { Vacancies } from './services/vacancies';
import { Profiles } from './services/profiles';
import { Applications } from './services/applications';
import { Referrals } from './services/referrals';
import { Placements } from './services/placements';
import { Mentors } from './services/mentors';
import { FieldCipher } from './crypto';
import { Documents } from './services/documents';
import { FsStore, GridFsStore } from './storage';
import { Reports } from './services/reports';
import { TwoFactor } from './services/twoFactor';
import { Privacy } from './services/privacy';
import { PersonalData } from './services/personalData';
import path from 'node:path';
import { createViewEngine } from './views/engine';
import { mountRoutes, uploadForms } from '../routes';
import './db/connect'; // query sanitising settings apply to every app

export interface AppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  transport: MailTransport;
  /** Which engine the database runs on, for /healthz: 'ferretdb', 'mongod' or 'mongodb'. */
  engine: string;
  /** Routes mounted after ours and before the 404 and error handlers (for embedding the app, and tests). */
  extraRoutes?: (app: express.Express) => void;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(deps: AppDeps) {
  const { config, clock } = deps;
  const outbox = new Outbox(clock);
  const notify = new Notify(outbox, config.baseUrl);
  const events = new Events(clock);
  const passwords = new Passwords(config.argon2);
  const accounts = new Accounts({ clock, passwords, notify, outbox, events });
  const organisations = new Organisations({ clock, passwords, notify, outbox, events, accounts });
  const vacancies = new Vacancies({ clock, notify, outbox, events });
  const announcements = new Announcements({ clock, notify, outbox, events });
  const jobs = new Jobs();
  const catalogue = new Catalogue(deps.clock);
  const incentives = new Incentives({ clock, events });
  const alerts = new Alerts({
    clock,
    notify,
    outbox,
    events,
    jobs,
    baseUrl: config.baseUrl,
    secret: config.sessionSecret,
  });
  const cipher = new FieldCipher(config.dataKey);
  const profiles = new Profiles(cipher, events);
  const awards = new Awards({ clock, events, notify, outbox });
  const placements = new Placements({
    awards,
    clock,
    events,
    notify,
    outbox,
    baseUrl: config.baseUrl,
    secret: config.sessionSecret,
  });
  const mentors = new Mentors({
    clock,
    events,
    notify,
    outbox,
    baseUrl: config.baseUrl,
    secret: config.sessionSecret,
  });
  const applications = new Applications({
    clock,
    notify,
    outbox,
    events,
    profiles,
    placements,
    baseUrl: config.baseUrl,
  });
  const store = config.storage === 'gridfs' ? new GridFsStore() : new FsStore(path.join(config.dataDir, 'uploads'));
  const documents = new Documents(store, clock, events);
  const personalData = new PersonalData({
    clock,
    cipher,
    events,
    passwords,
    store,
    notify,
    outbox,
    retentionMonths: config.retentionMonths,
  });
  const referrals = new Referrals({ clock, notify, outbox, events, passwords });
  const reports = new Reports({ clock, events });
  const twoFactor = new TwoFactor({ clock, cipher, events, passwords });
  const privacy = new Privacy({ clock, events });
  const saved = new Saved();
  return {
    saved,
    referrals,
    reports,
    twoFactor,
    privacy,
    personalData,
    placements,
    mentors,
    documents,
    outbox,
    notify,
    events,
    passwords,
    accounts,
    organisations,
    vacancies,
    announcements,
    jobs,
    catalogue,
    incentives,
    awards,
    alerts,
    cipher,
    profiles,
    applications,
  };
}

/** Scheduled work of the services (each runs once per period across instances: see server/jobs.ts). */
export function serviceJobs(services: Services): Job[] {
  return [
    { name: 'close-expired-vacancies', periodMs: 5 * 60 * 1000, run: (now) => services.vacancies.closeExpired(now) },
    { name: 'alert-digests', periodMs: 60 * 60 * 1000, run: (now) => services.alerts.sendDigests(now) },
    {
      // Once a day, at 08:00 China time (00:00 UTC: the period's start), for the day that ended then.
      name: 'staff-application-digests',
      periodMs: 24 * 60 * 60 * 1000,
      run: (now) =>
        services.applications.sendStaffDigests(new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000)),
    },
    { name: 'placement-sweep', periodMs: 10 * 60 * 1000, run: () => services.placements.sweep() },
    { name: 'check-ins', periodMs: 60 * 60 * 1000, run: (now) => services.placements.runCheckIns(now) },
    { name: 'report-snapshot', periodMs: 60 * 60 * 1000, run: (now) => services.reports.refreshIfStale(now) },
    { name: 'privacy-retention', periodMs: 24 * 60 * 60 * 1000, run: (now) => services.personalData.runRetention(now) },
    { name: 'overdue-checklists', periodMs: 6 * 60 * 60 * 1000, run: (now) => services.placements.remindOverdue(now) },
  ];
}

/** What a session holds besides its cookie, to tell whether a request changed it. */
function sessionData(req: express.Request): string {
  if (!req.session) return '';
  const { cookie: _cookie, ...data } = req.session as unknown as Record<string, unknown>;
  return JSON.stringify(data);
}

export function createApp(deps: AppDeps) {
  const { config, logger, clock } = deps;
  const services = createServices(deps);
  const worker = new MailWorker({
    transport: deps.transport,
    clock,
    logger,
    from: config.mailFrom,
    messageIdDomain: new URL(config.baseUrl).hostname,
    pollMs: config.mailPollMs,
    leaseMs: config.mailLeaseMs,
  });
  services.outbox.wake = () => worker.nudge();
  const scheduler = new Scheduler([...housekeepingJobs, ...serviceJobs(services)], clock, logger);

  const app = express();
  app.disable('x-powered-by');
  const lifecycle = { draining: false };
  // While draining, every answer closes its connection, so clients reconnect to an instance that stays.
  app.use((req, res, next) => {
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  });
  app.set('trust proxy', config.trustProxy);
  const hbs = createViewEngine();
  app.engine('hbs', hbs.engine);
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  if (config.isProduction) app.enable('view cache');

  app.use(httpLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.isProduction,
      referrerPolicy: { policy: 'same-origin' },
      xFrameOptions: { action: 'deny' },
    }),
  );
  // A request that waits DB_STALL_MS on a database that has stopped answering gets the 503 page then, not when the
  // database returns (server/middleware/stallGuard.ts); the public pages below answer from memory meanwhile.
  app.use(
    stallGuard(
      databaseHealth,
      config.database.stallMs,
      (req, res) =>
        handleError(new DatabaseStalledError(), req, res, (err: unknown) =>
          req.log.error({ err }, 'stall page failed'),
        ),
      ['/healthz'],
    ),
  );
  // Visitors without a session get the public pages from the page cache (already compressed), before anything else.
  app.use(
    publicPageCache({
      catalogue: services.catalogue,
      clock,
      sessionCookie: config.isProduction ? '__Host-tb.sid' : 'tb.sid',
    }),
  );
  // Compressed (gzip or brotli, as the browser accepts) from here on: stylesheets and pages alike. Pages kept by the
  // public page cache are compressed once and pass through untouched.
  app.use(compression());
  app.use('/public', express.static(publicDir, { maxAge: config.isProduction ? '7d' : 0, index: false }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '100kb' }));
  app.use(cookieParser());

  const sessions = session({
    name: config.isProduction ? '__Host-tb.sid' : 'tb.sid',
    secret: config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.isProduction, maxAge: 7 * 24 * 3600 * 1000, path: '/' },
    // By `_id` alone (server/sessionStore.ts); expired sessions are purged by the scheduler (server/jobs.ts).
    store: new SessionStore(() => mongoose.connection.collection(SESSION_COLLECTION), 3600 * 1000, databaseHealth),
  });
  app.use((req, res, next) =>
    sessions(req, res, (err?: unknown) => {
      // express-session stores the session while it holds back the page's last byte, and reports a failure by calling
      // this again, after the page went out (and after an error page, whose 503 the failure often is). The page is
      // whole and finishes; the visitor's session stays as it was. Passed on, the error would reach Express's final
      // handler, which cuts the connection of a response already under way.
      if (err instanceof SessionNotSavedError && res.headersSent) {
        req.log.warn({ err }, 'session not stored after the page was sent');
        return;
      }
      next(err);
    }),
  );

  // A redirect that changed the session waits for it to be stored. express-session stores it while holding back
  // the response's last byte, but the headers are already out, and a browser follows a redirect on its headers: the
  // next request (the two-step code page after the password, say) could arrive before the session it needs.
  app.use((req, res, next) => {
    const before = { id: req.sessionID, data: sessionData(req) };
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      if (!req.session || (req.sessionID === before.id && sessionData(req) === before.data)) return redirect(...args);
      req.session.save((err) => (err ? next(new SessionNotSavedError(err)) : redirect(...args)));
    }) as typeof res.redirect;
    next();
  });

  // Passport: only { id, v } in the session; v is the user's sessionVersion (bumped on password change).
  const auth = new passport.Passport();
  auth.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      services.accounts
        .authenticate(email, password)
        .then((user) => done(null, (user ?? false) as unknown as Express.User | false))
        .catch(done);
    }),
  );
  auth.serializeUser((user, done) => {
    const u = user as unknown as { _id?: unknown; id?: string; sessionVersion?: number };
    done(null, { id: String(u._id ?? u.id), v: u.sessionVersion ?? 0 });
  });
  auth.deserializeUser((stored: { id?: unknown; v?: unknown }, done) => {
    services.accounts
      .loadActor(String(stored?.id), Number(stored?.v ?? 0))
      .then((loaded) => done(null, loaded ? loaded.actor : false))
      .catch(done);
  });
  app.use(auth.initialize());
  app.use(auth.session());

  app.use(localeMiddleware(config.isProduction));
  app.use(flashMiddleware);

  // Upload forms' bodies are parsed here, so their token is read from the body like every other form's.
  app.use(multipartGate(uploadForms));
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    // Only ever the body: a token in a URL would be kept by logs, history and Referer headers.
    getTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
  });
  app.use((req, res, next) => {
    // Called by the `csrfToken` view helper, so only pages with a form create a session.
    res.locals.csrfTokenFor = () => generateToken(req);
    next();
  });
  app.use((req, res, next) =>
    // One-click unsubscribe is authorised by its signed link, and mail clients post it without a token.
    req.method === 'POST' && req.path.startsWith('/alerts/unsubscribe/')
      ? next()
      : csrfSynchronisedProtection(req, res, next),
  );

  app.use((req, res, next) => {
    res.locals.user = req.user ?? null;
    res.locals.localMode = config.localMode;
    res.locals.currentPath = req.path;
    next();
  });

  mountRoutes(app, { services, config, auth, clock, engine: deps.engine, lifecycle });
  deps.extraRoutes?.(app);

  app.use((req, res) => {
    res.status(404).render('errors/404', { title: res.locals.t('errors.notFound.title') });
  });

  const handleError: ErrorRequestHandler = (err, req, res, next) => {
    // The request already had the 503 page because the database stopped answering: this is its route failing late.
    if (isAbandoned(res) && !(err instanceof DatabaseStalledError)) {
      req.log.info({ err }, 'request failed after its 503 page was sent');
      return;
    }
    if (res.headersSent) return next(err);
    // Errors raised before the locale middleware ran (e.g. an unparsable body) still get a localised page.
    if (!res.locals.t) {
      res.locals.locale = negotiateLocale(req.get('accept-language')) ?? DEFAULT_LOCALE;
      res.locals.t = translator(res.locals.locale);
    }
    const t = res.locals.t;
    if (err instanceof LinkError) {
      res.status(400).render('pages/account/link-problem', { title: t('tokens.title'), message: t(err.messageKey) });
      return;
    }
    let status = 500;
    let messageKey = 'errors.server.body';
    if (err instanceof ValidationError) {
      status = 422;
      res.locals.errorList = errorList(res, err.fields);
      messageKey = err.messageKey;
    } else if (err instanceof AppError) {
      status = err.status;
      messageKey = err.messageKey;
    } else if ((err as { code?: string }).code === 'EBADCSRFTOKEN') {
      status = 403;
      messageKey = 'errors.csrf.body';
    } else if (isDatabaseUnavailable(err)) {
      status = 503;
      messageKey = 'errors.unavailable.body';
      res.setHeader('Retry-After', '5');
    } else if (typeof (err as { status?: unknown }).status === 'number' && (err as { status: number }).status < 500) {
      // body-parser and friends: malformed, oversized or mis-encoded requests
      status = (err as { status: number }).status;
      messageKey = status === 413 ? 'errors.tooLarge.body' : 'errors.badRequest.body';
    }
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ status, messageKey }, 'request refused');
    const titleKey =
      status === 404
        ? 'errors.notFound.title'
        : status === 403
          ? 'errors.forbidden.title'
          : status >= 500
            ? 'errors.server.title'
            : 'errors.badRequest.title';
    res.status(status).render('errors/error', {
      title: t(titleKey),
      status,
      message: t(messageKey),
      requestId: req.id,
    });
  };
  app.use(handleError);

  return { app, services, worker, scheduler, lifecycle };
}
