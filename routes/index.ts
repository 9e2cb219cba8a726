// Mounts one router per area. Each router is thin: validate → one service call → render or redirect.
import { ForbiddenError } from '../server/errors';
import type { Express } from 'express';
import type passport from 'passport';
import type { Services } from '../server/app';
import type { Clock } from '../server/clock';
import type { Config } from '../server/config';
import { accountRouter } from './account';
import { alertsRouter } from './alerts';
import { savedRouter } from './saved';
import { applicationsRouter, scoreSheetUpload } from './applications';
import { coordinatorRouter } from './coordinator';
import { devRouter } from './dev';
import { jobsRouter } from './jobs';
import { manageRouter } from './manage';
import { documentUpload, meRouter } from './me';
import { organisationRouter } from './organisation';
import { partnerRouter, referralImportUpload } from './partner';
import { sponsorRouter } from './sponsor';
import { placementsRouter } from './placements';
import { mentorsRouter } from './mentors';
import { registryRouter } from './registry';
import { reportsRouter } from './reports';
import { requireTwoFactorEnrolment, twoFactorRouter } from './twoFactor';
import { privacyRouter, requirePrivacyConsent } from './privacy';
import { personalDataRouter } from './personalData';
import { auditRouter } from './audit';
import { publicRouter } from './public';

export interface RouteDeps {
  services: Services;
  config: Config;
  auth: InstanceType<typeof passport.Passport>;
  clock: Clock;
  engine: string;
  /** Set while the process drains before a shutdown: /healthz answers 503 so load balancers stop sending. */
  lifecycle: { draining: boolean };
}

/** Every form that posts a file: their bodies are parsed before the CSRF check (server/middleware/uploads.ts). */
export const uploadForms = [documentUpload, referralImportUpload, scoreSheetUpload];

export function mountRoutes(app: Express, deps: RouteDeps): void {
  app.use(requirePrivacyConsent);
  app.use(requireTwoFactorEnrolment);
  app.use(publicRouter(deps));
  app.use(accountRouter(deps));
  app.use(twoFactorRouter(deps));
  app.use(privacyRouter(deps));
  app.use(personalDataRouter(deps));
  app.use(auditRouter(deps));
  app.use(organisationRouter(deps));
  app.use(applicationsRouter(deps));
  app.use(jobsRouter(deps));
  app.use(alertsRouter(deps));
  app.use(savedRouter(deps));
  app.use(meRouter(deps));
  app.use(partnerRouter(deps));
  app.use(sponsorRouter(deps));
  // Sponsors' staff fund posts through their programmes: the school side (vacancies, pipelines, placements, mentors)
  // is not theirs.
  app.use('/manage', (req, _res, next) =>
    next(req.user?.sponsor ? new ForbiddenError('incentives.errors.sponsorsDoNotPost') : undefined),
  );
  app.use(placementsRouter(deps));
  app.use(mentorsRouter(deps));
  app.use(registryRouter(deps));
  app.use(reportsRouter(deps));
  app.use('/manage', manageRouter(deps));
  app.use('/coordinator', coordinatorRouter(deps));
  if (deps.config.localMode && !deps.config.isProduction) app.use('/dev', devRouter(deps));
}
