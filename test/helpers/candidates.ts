// A candidate with a complete profile (through the real profile service) and a signed-in agent.
import type { TestApp } from './app';
import { makeUser } from './builders';
import { loginAs } from './http';
import { toActor } from '../../server/services/actor';
import { checkDigit } from '../../server/services/idcard';
import type { ProfileInput } from '../../server/services/profiles';

let seq = 0;

/** A valid ID number, unique within the run, for someone born on the given date (YYYYMMDD). */
export function idNumberBornOn(yyyymmdd: string): string {
  const body = `130722${yyyymmdd}${String(100 + (seq++ % 899)).padStart(3, '0')}`;
  return body + checkDigit(body);
}

export async function makeCandidate(t: TestApp, name: string, fields: Partial<ProfileInput> = {}, subject = 'english') {
  const user = await makeUser({ name });
  const actor = toActor(user);
  await t.services.profiles.save(
    { actor },
    {
      legalName: name,
      idNumber: idNumberBornOn('19990601'),
      phone: '13912345678',
      education: [
        {
          institution: '河北师范大学',
          level: 'bachelor',
          major: subject,
          graduationDate: new Date('2026-06-30'),
          fullTime: true,
          normalUniversity: true,
        },
      ],
      certificates: [{ type: 'junior', subject, number: 'C-001', pending: false, expectedDate: null }],
      mandarinLevel: '2A',
      stages: ['junior'],
      subjects: [subject],
      preferredUnits: ['1307'],
      availableFrom: null,
      ...fields,
    },
  );
  const agent = t.agent();
  await loginAs(agent, user.email);
  return { user, actor, agent };
}
