// The lifecycle shared by vacancies and announcements: one table of who may move a posting from where to where.
export const POSTING_STATES = ['draft', 'in_review', 'open', 'closed', 'filled', 'cancelled'] as const;
export type PostingState = (typeof POSTING_STATES)[number];
export type PostingActor = 'staff' | 'coordinator' | 'system';

export const TRANSITIONS: { from: PostingState; to: PostingState; by: PostingActor; action: string }[] = [
  { from: 'draft', to: 'in_review', by: 'staff', action: 'submit' },
  { from: 'in_review', to: 'open', by: 'coordinator', action: 'approve' },
  { from: 'in_review', to: 'draft', by: 'coordinator', action: 'return' },
  { from: 'in_review', to: 'draft', by: 'staff', action: 'withdraw' },
  { from: 'open', to: 'in_review', by: 'staff', action: 'material_edit' },
  { from: 'open', to: 'closed', by: 'system', action: 'deadline' },
  { from: 'open', to: 'closed', by: 'staff', action: 'close' },
  { from: 'closed', to: 'filled', by: 'staff', action: 'fill' },
  { from: 'draft', to: 'cancelled', by: 'staff', action: 'cancel' },
  { from: 'open', to: 'cancelled', by: 'staff', action: 'cancel' },
  { from: 'closed', to: 'cancelled', by: 'staff', action: 'cancel' },
];

export function transition(from: string, action: string, by: PostingActor) {
  return TRANSITIONS.find((t) => t.from === from && t.action === action && t.by === by);
}

/** Whether staff can take `action` on a posting in `status` (for showing buttons; services check again). */
export function staffCan(status: string, action: string): boolean {
  return TRANSITIONS.some((t) => t.from === status && t.action === action && t.by === 'staff');
}

export const PIPELINES = ['open_recruitment', 'special_post', 'contract'] as const;
export const EDUCATION_LEVELS = ['college', 'bachelor', 'master', 'doctorate'] as const;
/** Putonghua proficiency grades, lowest first. */
export const MANDARIN_LEVELS = ['3B', '3A', '2B', '2A', '1B', '1A'] as const;
export const PROGRAMMES = [
  'open_recruitment',
  'special_post',
  'targeted',
  'silver_age',
  'exchange',
  'campus_drive',
] as const;
export const PHASES = [
  'registration',
  'qualification_review',
  'written_exam',
  'interview',
  'medical',
  'public_notice',
] as const;

/**
 * Pipeline templates, as data: the stage sequence each one runs (used by the applications workflow).
 * Side outcomes (rejected, withdrawn, absent) can happen at any stage.
 */
export const PIPELINE_STAGES: Record<(typeof PIPELINES)[number], string[]> = {
  open_recruitment: [
    'submitted',
    'qualification_review',
    'written_exam',
    'interview',
    'medical',
    'background_check',
    'public_notice',
    'offer',
    'signed',
  ],
  special_post: [
    'submitted',
    'qualification_review',
    'written_exam',
    'interview',
    'medical',
    'background_check',
    'public_notice',
    'pre_service_training',
    'signed',
  ],
  contract: ['submitted', 'qualification_review', 'interview', 'offer', 'signed'],
};
