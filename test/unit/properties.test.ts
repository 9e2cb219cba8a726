// Property-based tests (fast-check): the eligibility rules, the application pipeline's state machine and the CSV
// importers, over inputs nobody would think to write down.
import fc from 'fast-check';
import { EDUCATION_LEVELS, MANDARIN_LEVELS, PIPELINES } from '../../models/Posting';
import { plan, stagesOf, type Move } from '../../server/services/applications';
import { csvCell, decodeCsv, parseCsv, toCsv } from '../../server/services/csv';
import { evaluateEligibility, type ProfileFacts, type Requirements } from '../../server/services/eligibility';
import { readReferralRows, TEMPLATE_HEADERS } from '../../server/services/referralCsv';
import { CERTIFICATE_KEYS, STAGE_KEYS, SUBJECT_KEYS } from '../../server/services/taxonomy';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const date = fc.date({ min: new Date('1950-01-01'), max: new Date('2035-12-31'), noInvalidDate: true });

const requirements: fc.Arbitrary<Requirements> = fc.record({
  stage: fc.constantFrom(...STAGE_KEYS),
  subject: fc.constantFrom(...SUBJECT_KEYS),
  education: maybe(fc.constantFrom(...EDUCATION_LEVELS)),
  certificateType: maybe(fc.constantFrom(...CERTIFICATE_KEYS)),
  certificateSubjectMatch: maybe(fc.boolean()),
  acceptExamPass: maybe(fc.boolean()),
  maxAge: maybe(fc.integer({ min: 18, max: 65 })),
  mandarinLevel: maybe(fc.constantFrom(...MANDARIN_LEVELS)),
  freshGraduatesOnly: maybe(fc.boolean()),
  hukouLimit: maybe(fc.string({ maxLength: 10 })),
});

const profile: fc.Arbitrary<ProfileFacts> = fc.record({
  birthDate: maybe(date),
  education: fc.array(fc.record({ level: maybe(fc.constantFrom(...EDUCATION_LEVELS)), graduationDate: maybe(date) }), {
    maxLength: 3,
  }),
  certificates: fc.array(
    fc.record({
      type: maybe(fc.constantFrom(...CERTIFICATE_KEYS)),
      subject: maybe(fc.constantFrom(...SUBJECT_KEYS)),
      pending: maybe(fc.boolean()),
      expectedDate: maybe(date),
    }),
    { maxLength: 3 },
  ),
  mandarinLevel: maybe(fc.constantFrom(...MANDARIN_LEVELS)),
});

describe('eligibility', () => {
  it('always decides, and the outcome is exactly what its checks say', () => {
    fc.assert(
      fc.property(requirements, profile, date, (req, p, on) => {
        const e = evaluateEligibility(req, p, on);
        const outcomes = e.checks.map((c) => c.outcome);
        const expected = outcomes.includes('ineligible')
          ? 'ineligible'
          : outcomes.includes('pending')
            ? 'pending'
            : 'eligible';
        expect(e.outcome).toBe(expected);
        // One check per requirement that is set, never one for a requirement that is not.
        expect(new Set(e.checks.map((c) => c.rule)).size).toBe(e.checks.length);
        expect(e.checks.some((c) => c.rule === 'age')).toBe(Boolean(req.maxAge));
      }),
      { numRuns: 500 },
    );
  });

  it('never turns a candidate away for having more: a higher degree or better Putonghua cannot hurt', () => {
    fc.assert(
      fc.property(requirements, profile, date, (req, p, on) => {
        const before = evaluateEligibility(req, p, on);
        const better: ProfileFacts = {
          ...p,
          education: [...(p.education ?? []), { level: 'doctorate', graduationDate: null }],
          mandarinLevel: '1A',
        };
        const after = evaluateEligibility(req, better, on);
        const rank = { ineligible: 0, pending: 1, eligible: 2 };
        // Adding an old doctorate can only matter to the fresh-graduate rule, which it does not touch (no date).
        expect(rank[after.outcome]).toBeGreaterThanOrEqual(rank[before.outcome]);
      }),
      { numRuns: 500 },
    );
  });

  it('never asks less of a candidate when a requirement is added', () => {
    fc.assert(
      fc.property(requirements, profile, date, fc.integer({ min: 18, max: 65 }), (req, p, on, maxAge) => {
        const rank = { ineligible: 0, pending: 1, eligible: 2 };
        const loose = evaluateEligibility({ ...req, maxAge: null }, p, on);
        const strict = evaluateEligibility({ ...req, maxAge }, p, on);
        expect(rank[strict.outcome]).toBeLessThanOrEqual(rank[loose.outcome]);
      }),
      { numRuns: 500 },
    );
  });
});

const move: fc.Arbitrary<[Move, 'staff' | 'candidate']> = fc.tuple(
  fc.constantFrom<Move>(
    { action: 'advance' },
    { action: 'reject', reason: 'score', message: '' },
    { action: 'absent' },
    { action: 'return', message: '请补充材料' },
    { action: 'resubmit' },
    { action: 'withdraw', note: '' },
  ),
  fc.constantFrom('staff' as const, 'candidate' as const),
);

describe('the application pipeline', () => {
  it('no sequence of actions, by anyone, reaches an invalid state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PIPELINES), fc.array(move, { maxLength: 30 }), (pipeline, moves) => {
        const stages = stagesOf(pipeline);
        type Outcome = 'rejected' | 'withdrawn' | 'absent' | null;
        let state = { pipeline, stage: 'submitted', outcome: null as Outcome, returned: { at: null as Date | null } };
        let resubmitted = 0;
        for (const [m, by] of moves) {
          let next;
          try {
            next = plan(state, m, by);
          } catch {
            continue; // refused: nothing changes
          }
          // Who may do what.
          if (['advance', 'reject', 'absent', 'return'].includes(m.action)) expect(by).toBe('staff');
          if (['withdraw', 'resubmit'].includes(m.action)) expect(by).toBe('candidate');
          // A closed application never changes; a signed one is never withdrawn or rejected.
          expect(state.outcome).toBeNull();
          if (state.stage === 'signed') expect(m.action).not.toMatch(/withdraw|reject|absent|advance/);
          // Stages only move forward, one at a time, within the template.
          const from = stages.indexOf(state.stage);
          const to = stages.indexOf(next.stage);
          expect(to).toBeGreaterThanOrEqual(0);
          expect(to - from).toBe(m.action === 'advance' ? 1 : 0);
          state = {
            pipeline,
            stage: next.stage,
            outcome: next.outcome,
            returned: { at: m.action === 'return' ? new Date() : m.action === 'resubmit' ? null : state.returned.at },
          };
          if (m.action === 'resubmit') resubmitted += 1;
        }
        expect(stages).toContain(state.stage);
        // Resubmitting needs a return before it, one for one.
        expect(resubmitted).toBeLessThanOrEqual(
          moves.filter(([m, by]) => m.action === 'return' && by === 'staff').length,
        );
      }),
      { numRuns: 1000 },
    );
  });
});

describe('CSV', () => {
  const cell = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom('=1+1', '+86 139', '-3', '@SUM(A1)', '"quoted", text', '多行\n文本', '张 三', ''),
  );

  it('what we write, a spreadsheet reads back cell for cell (formulas neutralised with a leading apostrophe)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const text = toCsv(rows);
        const decoded = decodeCsv(Buffer.from(text, 'utf8'))!;
        expect(decoded.encoding).toBe('utf-8');
        const back = parseCsv(decoded.text.replace(/^\uFEFF/, ''));
        const expected = rows
          .map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)))
          .filter((r) => r.some((c) => c.trim() !== ''));
        expect(back).toEqual(expected);
        for (const row of back) for (const c of row) expect(csvCell(c).startsWith('=')).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('the referral importer accepts or explains every row, whatever it holds', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: TEMPLATE_HEADERS.length + 2 }), { maxLength: 8 }), (rows) => {
        const read = readReferralRows([[...TEMPLATE_HEADERS], ...rows]);
        expect(read).toHaveLength(rows.length);
        for (const r of read) {
          // Either a clean input or at least one reason, never both, never neither.
          expect(Boolean(r.input)).toBe(r.errors.length === 0);
          if (r.input) {
            expect(r.input.email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);
            expect(r.input.name.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
