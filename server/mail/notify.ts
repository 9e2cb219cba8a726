// Intent-level email: one method per thing a person should hear about. Each names its dedupe key (exactly one
// email per intent) and its guard (the state change that must be visible before it is sent).
import type { Outbox } from './outbox';

interface Person {
  email: string;
  name: string;
  locale: string;
}

/** What an award email says about the award: the programme, its sponsor and its terms (translated when rendered). */
export interface AwardMail {
  id: string;
  programmeId: string;
  programme: string;
  sponsor: string;
  school: string;
  kind: string;
  /** month, year or once (the programme's period). */
  cadence: string;
  /** Per period, formatted, e.g. "3,000". */
  amount: string;
  /** The award's number of periods. */
  count: number;
}

export class Notify {
  constructor(
    private readonly outbox: Outbox,
    private readonly baseUrl: string,
  ) {}

  private link(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  verifyEmail(person: Person, secret: string, tokenId: string) {
    return this.outbox.enqueue({
      dedupeKey: `verify-email:${tokenId}`,
      template: 'verifyEmail',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, link: this.link(`/verify-email/${secret}`) },
      guard: { model: 'Token', id: tokenId },
    });
  }

  /** Sign-up with an address that already has an account: tell its owner, not the person signing up. */
  accountExists(person: Person, hourKey: string, reset: { secret: string; tokenId: string }) {
    return this.outbox.enqueue({
      dedupeKey: `account-exists:${person.email}:${hourKey}`,
      template: 'accountExists',
      locale: person.locale,
      to: person.email,
      // The reset link works at once (a password-reset token), for an owner who forgot they had signed up.
      data: {
        name: person.name,
        loginLink: this.link('/login'),
        resetLink: this.link(`/password/reset/${reset.secret}`),
      },
      guard: { model: 'Token', id: reset.tokenId },
    });
  }

  /** An unused account will be anonymised in a month unless its owner signs in. */
  inactivityWarning(person: Person & { id: string }, warnedOn: string, months: number) {
    return this.outbox.enqueue({
      dedupeKey: `inactivity:${person.id}:${warnedOn}`,
      template: 'inactivityWarning',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, months, link: this.link('/login'), dataLink: this.link('/me/data') },
      guard: { model: 'User', id: person.id },
    });
  }

  passwordReset(person: Person, secret: string, tokenId: string) {
    return this.outbox.enqueue({
      dedupeKey: `password-reset:${tokenId}`,
      template: 'passwordReset',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, link: this.link(`/password/reset/${secret}`) },
      guard: { model: 'Token', id: tokenId },
    });
  }

  organisationSubmitted(coordinator: Person & { id: string }, org: { id: string; name: string }) {
    return this.outbox.enqueue({
      dedupeKey: `org-submitted:${org.id}:${coordinator.id}`,
      template: 'organisationSubmitted',
      locale: coordinator.locale,
      to: coordinator.email,
      data: { name: coordinator.name, organisation: org.name, link: this.link(`/coordinator/organisations/${org.id}`) },
      guard: { model: 'Organisation', id: org.id },
    });
  }

  organisationDecided(
    staff: Person & { id: string },
    org: { id: string; name: string },
    decision: 'verified' | 'rejected',
    reason: string,
    decisionKey: string,
  ) {
    return this.outbox.enqueue({
      dedupeKey: `org-${decision}:${org.id}:${staff.id}:${decisionKey}`,
      template: decision === 'verified' ? 'organisationVerified' : 'organisationRejected',
      locale: staff.locale,
      to: staff.email,
      data: { name: staff.name, organisation: org.name, reason, link: this.link('/organisation') },
      guard: { model: 'Organisation', id: org.id, path: 'verification.state', value: decision },
    });
  }

  invitation(to: string, locale: string, inviter: string, org: string, secret: string, tokenId: string) {
    return this.outbox.enqueue({
      dedupeKey: `invitation:${tokenId}`,
      template: 'invitation',
      locale,
      to,
      data: { inviter, organisation: org, link: this.link(`/invitations/${secret}`) },
      guard: { model: 'Token', id: tokenId },
    });
  }

  joinRequested(staff: Person & { id: string }, requester: { id: string; name: string; email: string }, org: string) {
    return this.outbox.enqueue({
      dedupeKey: `join-requested:${requester.id}:${staff.id}`,
      template: 'joinRequested',
      locale: staff.locale,
      to: staff.email,
      data: {
        name: staff.name,
        requester: requester.name,
        requesterEmail: requester.email,
        organisation: org,
        link: this.link('/organisation'),
      },
      guard: { model: 'User', id: requester.id, path: 'membership', value: 'pending' },
    });
  }

  joinDecided(requester: Person & { id: string }, org: string, decision: 'active' | 'rejected') {
    return this.outbox.enqueue({
      dedupeKey: `join-${decision}:${requester.id}`,
      template: decision === 'active' ? 'joinApproved' : 'joinRejected',
      locale: requester.locale,
      to: requester.email,
      data: { name: requester.name, organisation: org, link: this.link('/organisation') },
      guard: { model: 'User', id: requester.id, path: 'membership', value: decision },
    });
  }

  /** A vacancy or announcement waits for a coordinator's review. */
  postingSubmitted(
    coordinator: Person & { id: string },
    posting: { kind: 'vacancy' | 'announcement'; id: string; title: string; organisation: string; version: number },
  ) {
    return this.outbox.enqueue({
      dedupeKey: `${posting.kind}-submitted:${posting.id}:${posting.version}:${coordinator.id}`,
      template: 'postingSubmitted',
      locale: coordinator.locale,
      to: coordinator.email,
      data: {
        name: coordinator.name,
        kind: posting.kind,
        title: posting.title,
        organisation: posting.organisation,
        link: this.link(`/coordinator/reviews/${posting.kind}s/${posting.id}`),
      },
      guard: {
        model: posting.kind === 'vacancy' ? 'Vacancy' : 'Announcement',
        id: posting.id,
        path: 'status',
        value: 'in_review',
      },
    });
  }

  /** The coordinator's decision on a posting, to the staff who manage it. */
  postingReviewed(
    staff: Person & { id: string },
    posting: { kind: 'vacancy' | 'announcement'; id: string; title: string; version: number },
    decision: 'approved' | 'returned',
    comment: string,
  ) {
    return this.outbox.enqueue({
      dedupeKey: `${posting.kind}-${decision}:${posting.id}:${posting.version}:${staff.id}`,
      template: decision === 'approved' ? 'postingApproved' : 'postingReturned',
      locale: staff.locale,
      to: staff.email,
      data: {
        name: staff.name,
        kind: posting.kind,
        title: posting.title,
        comment,
        link: this.link(`/manage/${posting.kind}s/${posting.id}`),
        publicLink: this.link(`/${posting.kind === 'vacancy' ? 'jobs' : 'announcements'}/${posting.id}`),
      },
      guard: {
        model: posting.kind === 'vacancy' ? 'Vacancy' : 'Announcement',
        id: posting.id,
        path: 'status',
        value: decision === 'approved' ? 'open' : 'draft',
      },
    });
  }

  /** A job alert's digest: vacancies opened since the last one. */
  alertDigest(
    person: Person,
    alert: { id: string; since: string; searchLink: string; unsubscribeLink: string },
    vacancies: { title: string; school: string; place: string; deadline: string; link: string }[],
  ) {
    return this.outbox.enqueue({
      dedupeKey: `alert-digest:${alert.id}:${alert.since}`,
      template: 'alertDigest',
      locale: person.locale,
      to: person.email,
      data: {
        name: person.name,
        count: vacancies.length,
        first: vacancies[0]?.title ?? '',
        vacancies,
        searchLink: alert.searchLink,
        unsubscribeLink: alert.unsubscribeLink,
      },
      headers: {
        'List-Unsubscribe': `<${alert.unsubscribeLink}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
  }

  applicationReceived(person: Person, app: { id: string; title: string; school: string; link: string }) {
    return this.outbox.enqueue({
      dedupeKey: `application-received:${app.id}`,
      template: 'applicationReceived',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, title: app.title, school: app.school, link: app.link },
      guard: { model: 'Application', id: app.id },
    });
  }

  /**
   * A new application, for one staff member of the organisation that manages the post. It names the post and the
   * application's reference only: who applied, and anything about them, is read after signing in.
   */
  staffApplicationNew(
    person: Person & { id: string },
    app: { id: string; ref: string; title: string; link: string; settingsLink: string },
  ) {
    return this.outbox.enqueue({
      dedupeKey: `staff-application:${app.id}:${person.id}`,
      template: 'staffApplicationNew',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, title: app.title, ref: app.ref, link: app.link, settingsLink: app.settingsLink },
      guard: { model: 'Application', id: app.id },
    });
  }

  /** A day's new applications to the organisation's posts, counted per post (no names), for one staff member. */
  staffApplicationDigest(
    person: Person & { id: string },
    digest: { until: string; total: number; link: string; settingsLink: string },
    posts: { title: string; count: number; link: string }[],
  ) {
    return this.outbox.enqueue({
      dedupeKey: `staff-application-digest:${person.id}:${digest.until}`,
      template: 'staffApplicationDigest',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, ...digest, posts },
    });
  }

  private applicationChange(
    person: Person,
    app: { id: string; version: number; title: string; school: string; link: string },
    template: string,
    data: Record<string, unknown>,
  ) {
    return this.outbox.enqueue({
      dedupeKey: `application:${app.id}:${app.version}`,
      template,
      locale: person.locale,
      to: person.email,
      data: { name: person.name, title: app.title, school: app.school, link: app.link, ...data },
      // Sent only once this version of the application was written (the move happened), even if more followed.
      guard: { model: 'Application', id: app.id, path: 'version', value: app.version, atLeast: true },
    });
  }

  applicationAdvanced(
    person: Person,
    app: { id: string; version: number; title: string; school: string; link: string },
    stage: string,
  ) {
    return this.applicationChange(person, app, 'applicationAdvanced', { stage });
  }

  /** The reason from the list and the message written for the candidate; internal notes never go out. */
  applicationRejected(
    person: Person,
    app: { id: string; version: number; title: string; school: string; link: string },
    reason: string,
    message: string,
  ) {
    return this.applicationChange(person, app, 'applicationRejected', { reason, message });
  }

  /** Returned at qualification review to correct or complete, with the school's message. */
  applicationReturned(
    person: Person,
    app: { id: string; version: number; title: string; school: string; link: string },
    message: string,
  ) {
    return this.applicationChange(person, app, 'applicationReturned', { message });
  }

  applicationWithdrawn(
    person: Person,
    app: { id: string; version: number; title: string; school: string; link: string },
  ) {
    return this.applicationChange(person, app, 'applicationWithdrawn', {});
  }

  /** A retention check-in (or its one reminder), answered through a signed link without signing in. */
  checkIn(person: Person, c: { id: string; template: 'checkIn' | 'checkInReminder'; school: string; link: string }) {
    return this.outbox.enqueue({
      dedupeKey: `${c.template}:${c.id}`,
      template: c.template,
      locale: person.locale,
      to: person.email,
      data: { name: person.name, school: c.school, link: c.link },
      guard: { model: 'CheckIn', id: c.id },
    });
  }

  /** The weekly list of overdue onboarding items for one staff member (once per week: the key names the week). */
  overdueChecklist(
    person: Person,
    o: {
      key: string;
      items: { teacher: string; key: string; label: string; due: string; link: string }[];
      link: string;
    },
  ) {
    return this.outbox.enqueue({
      dedupeKey: `overdue-checklist:${o.key}`,
      template: 'overdueChecklist',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, count: o.items.length, items: o.items, link: o.link },
    });
  }

  /** Introduces a mentor and a new teacher to each other (one email to each side, sent once the match is written). */
  mentorIntro(
    person: Person,
    m: {
      key: string;
      placementId: string;
      mentorId: string;
      other: string;
      school: string;
      link: string;
      template: 'mentorIntroMentor' | 'mentorIntroTeacher';
    },
  ) {
    return this.outbox.enqueue({
      dedupeKey: `mentor-intro:${m.key}`,
      template: m.template,
      locale: person.locale,
      to: person.email,
      data: { name: person.name, other: m.other, school: m.school, link: m.link },
      guard: { model: 'Placement', id: m.placementId, path: 'mentor', value: m.mentorId },
    });
  }

  /** A sponsored place was reserved for the teacher's placement: the terms await their acceptance. */
  awardReserved(person: Person, a: AwardMail) {
    return this.outbox.enqueue({
      dedupeKey: `award-reserved:${a.id}`,
      template: 'awardReserved',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, ...a, link: this.link('/me/placement') },
      guard: { model: 'Award', id: a.id },
    });
  }

  /** The sponsor recorded one period of the teacher's award as paid. */
  awardPaid(person: Person, a: AwardMail & { period: number }) {
    return this.outbox.enqueue({
      dedupeKey: `award-paid:${a.id}:${a.period}`,
      template: 'awardPaid',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, ...a, link: this.link('/me/placement') },
      guard: { model: 'AwardPayment', id: `${a.id}:${a.period}` },
    });
  }

  /**
   * A check-in confirmed a funded teacher in post, so periods of their award fell due: the sponsor's staff hear it,
   * with the teacher's name only if the teacher agreed to share it (`teacher` is then set, else `placeNo` counts).
   */
  awardDue(
    person: Person & { id: string },
    a: AwardMail & { checkInId: string; periods: string; total: string; teacher: string | null; placeNo: number },
  ) {
    return this.outbox.enqueue({
      dedupeKey: `award-due:${a.id}:${a.checkInId}:${person.id}`,
      template: 'awardDue',
      locale: person.locale,
      to: person.email,
      data: { name: person.name, ...a, link: this.link(`/sponsor/programmes/${a.programmeId}`) },
      guard: { model: 'CheckIn', id: a.checkInId, path: 'status', value: 'answered' },
    });
  }

  /** A partner's invitation, in Chinese with an English version below (one email for both). */
  referralInvitation(person: Person, referral: { id: string; partner: string; secret: string; tokenId: string }) {
    return this.outbox.enqueue({
      dedupeKey: `referral-invitation:${referral.tokenId}`,
      template: 'referralInvitation',
      locale: 'zh-CN',
      to: person.email,
      data: { name: person.name, partner: referral.partner, link: this.link(`/referrals/${referral.secret}`) },
      guard: { model: 'Referral', id: referral.id, path: 'tokenId', value: referral.tokenId },
    });
  }

  recommended(
    person: Person,
    r: { referral: string; partner: string; title: string; school: string; vacancyId: string },
  ) {
    return this.outbox.enqueue({
      dedupeKey: `recommendation:${r.referral}:${r.vacancyId}`,
      template: 'recommended',
      locale: person.locale,
      to: person.email,
      data: {
        name: person.name,
        partner: r.partner,
        title: r.title,
        school: r.school,
        link: this.link(`/jobs/${r.vacancyId}`),
      },
    });
  }

  /** An interview invitation (or its update) with a calendar file; the same UID and a higher SEQUENCE update it. */
  interviewScheduled(
    person: Person,
    app: { id: string; title: string; school: string; link: string },
    interview: { at: Date; minutes: number; place: string; sequence: number; local: string },
  ) {
    return this.outbox.enqueue({
      dedupeKey: `interview:${app.id}:${interview.sequence}`,
      template: interview.sequence > 1 ? 'interviewRescheduled' : 'interviewScheduled',
      locale: person.locale,
      to: person.email,
      data: {
        name: person.name,
        title: app.title,
        school: app.school,
        link: app.link,
        when: interview.local,
        place: interview.place,
      },
      attachments: [
        {
          filename: 'interview.ics',
          contentType: 'text/calendar; charset=utf-8; method=REQUEST',
          content: icsInvite(app, interview, this.baseUrl),
        },
      ],
      guard: { model: 'Application', id: app.id, path: 'interview.sequence', value: interview.sequence, atLeast: true },
    });
  }
}

const icsText = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/([,;])/g, '\\$1')
    .replace(/\r?\n/g, '\\n');
const icsTime = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** An iCalendar (RFC 5545) request for one interview. */
export function icsInvite(
  app: { id: string; title: string; school: string; link: string },
  interview: { at: Date; minutes: number; place: string; sequence: number },
  baseUrl: string,
): string {
  const host = new URL(baseUrl).hostname;
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//TeachBridge//Interviews//ZH',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:interview-${app.id}@${host}`,
    `SEQUENCE:${interview.sequence}`,
    `DTSTAMP:${icsTime(new Date())}`,
    `DTSTART:${icsTime(interview.at)}`,
    `DTEND:${icsTime(new Date(interview.at.getTime() + interview.minutes * 60_000))}`,
    `SUMMARY:${icsText(`${app.school} ${app.title} 面试 / interview`)}`,
    `LOCATION:${icsText(interview.place)}`,
    `DESCRIPTION:${icsText(app.link)}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
