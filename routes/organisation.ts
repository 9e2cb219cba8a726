// Staff: registering an organisation or joining one, the organisation page, colleague invitations.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ValidationError } from '../server/errors';
import { parseForm, renderInvalid } from '../server/middleware/forms';
import { actorOf, requireRole, requestCtx, actorCtx } from '../server/middleware/guards';
import { byAccount, limiter } from '../server/middleware/rateLimit';
import { placeOptionGroups } from '../server/services/regions';
import { ALLIANCES, ORG_KINDS, SPONSOR_TYPES } from '../models/Organisation';
import { confirmPasswords, email, many, newPassword, optionalText, phone, privacyConsent, text } from './schemas';

const objectId = z.string().regex(/^[a-f\d]{24}$/i, 'validation.choose');

const person = {
  name: text(100),
  email,
  password: newPassword,
  passwordConfirm: z.string('validation.required'),
  privacy: privacyConsent,
};
const registerOrgSchema = z
  .object({
    mode: z.literal('new'),
    orgName: text(120),
    kind: z.enum(ORG_KINDS, 'validation.choose'),
    sponsorType: z
      .union([z.literal(''), z.enum(SPONSOR_TYPES, 'validation.choose')])
      .default('')
      .transform((v) => v || null),
    countyCode: z.string('validation.choose').regex(/^\d{6}$/, 'validation.choose'),
    address: optionalText(200),
    contactPhone: phone,
    parentId: z
      .union([z.literal(''), objectId])
      .default('')
      .transform((v) => v || null),
    pairedWith: many.pipe(z.array(objectId).max(20, 'validation.tooMany')),
    alliances: many.pipe(z.array(z.enum(ALLIANCES, 'validation.choose'))),
    ...person,
  })
  .superRefine(confirmPasswords);
const joinSchema = z
  .object({ mode: z.literal('join'), organisationId: objectId, ...person })
  .superRefine(confirmPasswords);
const inviteSchema = z.object({ email });
const acceptSchema = z
  .object({
    name: text(100),
    password: newPassword,
    passwordConfirm: z.string('validation.required'),
    privacy: privacyConsent,
  })
  .superRefine(confirmPasswords);

export function organisationRouter({ services, config, clock }: RouteDeps): Router {
  const router = Router();
  const { organisations } = services;

  async function registerLocals(req: Request, values: Record<string, unknown> = {}) {
    const verified = await organisations.listVerified();
    return {
      title: req.t('organisations.register.title'),
      kinds: ORG_KINDS,
      sponsorTypes: SPONSOR_TYPES,
      alliances: ALLIANCES,
      placeGroups: placeOptionGroups(req.locale, typeof values.countyCode === 'string' ? values.countyCode : undefined),
      parents: verified.filter((o) => o.province !== 'hebei' && o.kind === 'school'),
      pairable: verified.filter((o) => o.kind === 'school'),
      joinable: verified,
      mode: values.mode === 'join' ? 'join' : 'new',
    };
  }

  router.get('/register/organisation', async (req, res) => {
    res.render('pages/organisation/register', { ...(await registerLocals(req)), values: { mode: 'new' } });
  });

  router.post(
    '/register/organisation',
    limiter('signup-organisation', config.rateLimits.signup, config.rateLimits.windowMs, clock),
    limiter('signup-account', config.rateLimits.signup, config.rateLimits.windowMs, clock, byAccount),
    async (req, res, next) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const ctx = requestCtx(req);
      try {
        if (body.mode === 'join') {
          const form = parseForm(joinSchema, body);
          if (!form.ok) throw new ValidationError(form.errors);
          await organisations.requestToJoin(ctx, form.data.organisationId, { ...form.data, locale: req.locale });
        } else {
          const form = parseForm(registerOrgSchema, { ...body, mode: 'new' });
          if (!form.ok) throw new ValidationError(form.errors);
          const d = form.data;
          await organisations.register(
            ctx,
            {
              name: d.orgName,
              kind: d.kind,
              sponsorType: d.sponsorType,
              countyCode: d.countyCode,
              address: d.address,
              contactPhone: d.contactPhone,
              parentId: d.parentId,
              pairedWith: d.pairedWith,
              alliances: d.alliances,
            },
            { name: d.name, email: d.email, password: d.password, locale: req.locale },
          );
        }
      } catch (err) {
        if (err instanceof ValidationError) {
          return renderInvalid(res, 'pages/organisation/register', await registerLocals(req, body), err.fields, body);
        }
        return next(err);
      }
      res.redirect(303, '/register/sent');
    },
  );

  router.get('/organisation', requireRole('staff'), async (req, res) => {
    const mine = await organisations.mine(actorOf(req));
    res.render('pages/organisation/show', { title: mine.org.name, ...mine, values: {} });
  });

  router.post('/organisation/invitations', requireRole('staff'), async (req, res, next) => {
    const actor = actorOf(req);
    const form = parseForm(inviteSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      await organisations.invite(actorCtx(req), form.data.email, req.locale);
    } catch (err) {
      if (err instanceof ValidationError) {
        const mine = await organisations.mine(actor);
        return renderInvalid(res, 'pages/organisation/show', { title: mine.org.name, ...mine }, err.fields, req.body);
      }
      return next(err);
    }
    req.flash('success', 'organisations.invite.sent', { email: form.ok ? form.data.email : '' });
    res.redirect(303, '/organisation');
  });

  router.post('/organisation/requests/:id', requireRole('staff'), async (req, res) => {
    const approve = (req.body as Record<string, unknown>)?.decision === 'approve';
    await organisations.decideJoin(actorCtx(req), String(req.params.id), approve);
    req.flash('success', approve ? 'organisations.requests.approved' : 'organisations.requests.rejected');
    res.redirect(303, '/organisation');
  });

  // Closing a colleague's account (they left): irreversible, so the box must be ticked.
  router.post('/organisation/members/:id/close', requireRole('staff'), async (req, res, next) => {
    const actor = actorOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (body.understood !== '1') throw new ValidationError({ close: 'organisations.members.confirm' });
      await services.personalData.closeColleague(actorCtx(req), String(req.params.id));
    } catch (err) {
      if (err instanceof ValidationError) {
        // The message sits on the row of the colleague concerned.
        const fields = { [`close-${String(req.params.id)}`]: Object.values(err.fields)[0]! };
        const mine = await organisations.mine(actor);
        return renderInvalid(res, 'pages/organisation/show', { title: mine.org.name, ...mine }, fields, {});
      }
      return next(err);
    }
    req.flash('success', 'organisations.members.closed');
    res.redirect(303, '/organisation');
  });

  router.get('/invitations/:token', async (req, res) => {
    const invitation = await organisations.invitation(String(req.params.token));
    res.render('pages/organisation/accept', { title: req.t('organisations.accept.title'), invitation, values: {} });
  });

  router.post('/invitations/:token', async (req, res) => {
    const invitation = await organisations.invitation(String(req.params.token));
    const form = parseForm(acceptSchema, req.body);
    if (!form.ok) {
      return renderInvalid(
        res,
        'pages/organisation/accept',
        { title: req.t('organisations.accept.title'), invitation },
        form.errors,
        req.body,
      );
    }
    await organisations.acceptInvitation(requestCtx(req), String(req.params.token), {
      ...form.data,
      locale: req.locale,
    });
    req.flash('success', 'organisations.accept.done');
    res.redirect(303, '/login');
  });

  return router;
}
