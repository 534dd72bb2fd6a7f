// Words the console shows for the protocol's codes.

import type { BlockReason, Disposition, Intake, Role } from '../lib/protocol';

export const DISPOSITIONS: [Disposition, string][] = [
  ['information', 'Information'],
  ['safety_planning', 'Safety planning'],
  ['emotional_support', 'Emotional support'],
  ['referral', 'Referral'],
  ['no_response', 'No response from visitor'],
  ['other', 'Other'],
];

export const BLOCK_REASONS: [BlockReason, string][] = [
  ['abusive', 'Abusive'],
  ['threatening', 'Threatening'],
  ['prank', 'Prank'],
  ['other', 'Other'],
];

/** The words for a code in one of these tables; an unknown code is shown as it is. */
function labelOf(table: [string, string][], code: string): string {
  const found = table.find(([value]) => value === code);
  return found ? found[1] : code;
}

export function blockReasonLabel(reason: string): string {
  return labelOf(BLOCK_REASONS, reason);
}

/** "1 hour", "24 hours". */
export function hoursText(n: number): string {
  return `${n} ${n === 1 ? 'hour' : 'hours'}`;
}

export const ROLES: [Role, string][] = [
  ['coordinator', 'Advocacy coordinator'],
  ['supervisor', 'Supervisor'],
  ['admin', 'Administrator'],
];

export function roleLabel(role: string): string {
  return labelOf(ROLES, role);
}

export const INTAKE_FIELDS: [keyof Intake, string][] = [
  ['name', 'Name'],
  ['gender', 'Gender'],
  ['age', 'Age'],
  ['city', 'City'],
  ['state', 'State'],
  ['zip', 'ZIP code'],
  ['heard_about', 'Heard about us'],
];

export function langLabel(lang: string | undefined): string {
  if (lang === 'es') return 'Spanish';
  if (lang === 'en' || !lang) return '';
  return lang;
}

/** "1 chat", "3 chats". */
export function chatCount(n: number): string {
  return `${n} ${n === 1 ? 'chat' : 'chats'}`;
}

export function statusLabel(status: string): string {
  switch (status) {
    case 'waiting':
      return 'Waiting';
    case 'active':
      return 'Active';
    case 'closed':
      return 'Closed';
    default:
      return status;
  }
}

/** Conversation ids are long and opaque; people need a short handle to tell chats apart. */
export function chatLabel(conversationId: string): string {
  return `Chat #${conversationId.slice(0, 4).toUpperCase()}`;
}

/** "Block #3F9A": a short handle for an opaque block id. */
export function blockLabel(blockId: string): string {
  return `Block #${blockId.slice(0, 4).toUpperCase()}`;
}

/** Plain words for error codes from the chat connection. */
export function errorText(code: string, message: string): string {
  switch (code) {
    case 'conflict':
      return `That could not be done: ${message}`;
    case 'forbidden':
      return `You are not allowed to do that. ${message}`;
    case 'not_found':
      return 'That chat no longer exists.';
    case 'rate_limited':
      return 'Too many actions at once; the last one was dropped. Please try again.';
    case 'internal':
      return 'The server failed; nothing was saved for that action. Please try again.';
    default:
      return message || 'Something went wrong.';
  }
}
