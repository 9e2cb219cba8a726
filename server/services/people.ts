// Who should hear about something: the coordinators covering a unit, an organisation's active staff.
import { trusted, type Types } from 'mongoose';
import { User } from '../../models/User';

export interface Recipient {
  id: string;
  email: string;
  name: string;
  locale: string;
}

/** Whom to write to: a user's address, name and language. */
export const recipientOf = (u: {
  _id: Types.ObjectId;
  email: string;
  name: string;
  locale?: string | null;
}): Recipient => ({
  id: String(u._id),
  email: u.email,
  name: u.name,
  locale: u.locale ?? 'zh-CN',
});

/** Coordinators of the whole region and of `unitCode`. */
export async function coordinatorsCovering(unitCode: string): Promise<Recipient[]> {
  const users = await User.find({ role: 'coordinator', scopeUnit: trusted({ $in: [null, unitCode] }) }).lean();
  return users.map(recipientOf);
}

/** An organisation's active staff with a verified address. */
export async function activeStaff(organisation: Types.ObjectId | string): Promise<Recipient[]> {
  const users = await User.find({
    organisation,
    membership: 'active',
    emailVerifiedAt: trusted({ $ne: null }),
  }).lean();
  return users.map(recipientOf);
}
