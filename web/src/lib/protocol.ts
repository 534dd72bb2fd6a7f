// The frames of docs/PROTOCOL.md as TypeScript types. The server is the authority;
// these types only describe what the clients read and write.

export type ErrorCode =
  | 'bad_json'
  | 'bad_request'
  | 'unknown_type'
  | 'rate_limited'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unavailable'
  | 'internal';

export interface ErrorFrame {
  type: 'error';
  code: ErrorCode | string;
  message: string;
  ref?: string;
}

export type Party = 'visitor' | 'advocate';

export interface Message {
  seq: number;
  from: Party | 'system';
  at: string;
  text?: string;
  /** Advocate's display name (advocate messages, advocate_joined, transferred). */
  name?: string;
  event?: 'advocate_joined' | 'transferred' | 'ended';
  by?: Party;
}

export type Intake = Partial<
  Record<'name' | 'gender' | 'age' | 'city' | 'state' | 'zip' | 'heard_about', string>
>;

export type Lang = 'en' | 'es';

// ---- visitor endpoint ----

export interface Conversation {
  status: 'waiting' | 'active' | 'closed';
  last_seq: number;
  advocate: string | null;
}

export type VisitorFrame =
  | { type: 'started'; token: string; conversation: Conversation }
  | { type: 'resumed'; conversation: Conversation }
  | { type: 'ack'; client_id: string; seq: number }
  | { type: 'message'; message: Message }
  | { type: 'queue'; position: number; estimated_wait_s: number }
  | { type: 'typing'; active: boolean }
  | { type: 'ended'; by: Party }
  | ErrorFrame;

/** Frames the visitor sends. */
export type VisitorRequest =
  | { type: 'start'; intake?: Intake; lang?: Lang }
  | { type: 'resume'; token: string; last_seq: number }
  | { type: 'send'; client_id: string; text: string }
  | { type: 'typing'; active: boolean }
  | { type: 'end' };

// ---- staff endpoint ----

export type Role = 'coordinator' | 'supervisor' | 'admin';

export interface Me {
  id: number;
  name: string;
  role: Role;
}

export interface QueueEntry {
  conversation_id: string;
  waiting_since: string;
  has_intake: boolean;
  lang: Lang | string;
  /** Sent by the server though PROTOCOL.md does not list it yet. */
  visitor_connected?: boolean;
}

export interface Chat {
  conversation_id: string;
  status: 'waiting' | 'active' | 'closed';
  visitor_connected: boolean;
  waiting_since: string;
  accepted_at: string | null;
  intake: Intake | null;
  needs_disposition: boolean;
  messages: Message[];
}

export interface StaffMember {
  id: number;
  name: string;
  role: Role;
  available: boolean;
  chats: number;
}

export interface OverviewChat {
  conversation_id: string;
  status: 'waiting' | 'active' | 'closed';
  advocate: string | null;
  started_at: string | null;
  waiting_since: string | null;
}

export type Disposition =
  'information' | 'safety_planning' | 'emotional_support' | 'referral' | 'no_response' | 'other';

export type BlockReason = 'abusive' | 'threatening' | 'prank' | 'other';

/** A blocked visitor, known only by an opaque id: no address, nothing about the visitor. */
export interface VisitorBlock {
  block_id: string;
  placed_by: number;
  placed_by_name: string;
  placed_at: string;
  expires_at: string;
  reason: BlockReason | string;
}

/** Frames the staff console sends. */
export type StaffRequest =
  | { type: 'hello'; csrf_token: string }
  | { type: 'availability'; available: boolean }
  | { type: 'accept'; conversation_id: string }
  | { type: 'send'; conversation_id: string; client_id: string; text: string }
  | { type: 'typing'; conversation_id: string; active: boolean }
  | { type: 'transfer'; conversation_id: string; to: number }
  | { type: 'end'; conversation_id: string; disposition: Disposition }
  | { type: 'history'; conversation_id: string; after_seq: number }
  | { type: 'queue_page'; offset: number }
  | {
      type: 'block';
      conversation_id: string;
      reason: BlockReason;
      disposition?: Disposition;
    }
  | { type: 'blocks' }
  | { type: 'unblock'; block_id: string };

export interface StateFrame {
  type: 'state';
  me: Me;
  available: boolean;
  max_chats: number;
  /** How long a block of a visitor lasts. */
  block_hours?: number;
  // PROTOCOL.md does not say whether these are bare arrays or wrapped like their own
  // frames ({entries}, {chats}, {staff}); the console accepts both.
  queue: QueueEntry[] | { entries: QueueEntry[] };
  /** Everyone waiting; `queue` lists one page (50) of them, from `queue_offset`. */
  queue_total?: number;
  queue_offset?: number;
  /** Supervisors and admins only. */
  blocks?: VisitorBlock[];
  chats: Chat[];
  staff: StaffMember[] | { staff: StaffMember[] };
  overview?: OverviewChat[] | { chats: OverviewChat[] } | null;
}

export type StaffFrame =
  | StateFrame
  | { type: 'queue'; entries: QueueEntry[]; total?: number; offset?: number }
  | { type: 'chat'; chat: Chat }
  | { type: 'message'; conversation_id: string; message: Message }
  | { type: 'ack'; conversation_id: string; client_id: string; seq: number }
  | { type: 'typing'; conversation_id: string; active: boolean }
  // Not in PROTOCOL.md yet, but sent by the server when the visitor drops or comes back.
  | { type: 'visitor'; conversation_id: string; connected: boolean }
  | { type: 'ended'; conversation_id: string; by: Party }
  | { type: 'removed'; conversation_id: string; reason: 'transferred' | 'closed' }
  | { type: 'staff'; staff: StaffMember[] }
  | { type: 'overview'; chats: OverviewChat[]; waiting?: number }
  | { type: 'blocked'; conversation_id: string; block_id: string; expires_at: string }
  | { type: 'blocks'; now: string; blocks: VisitorBlock[] }
  | { type: 'unblocked'; block_id: string }
  | ErrorFrame;
