// Generated from docs/protocol.schema.json by scripts/protocol-types.mjs; do not edit.
// The frames of docs/PROTOCOL.md as TypeScript types: change the schema, then run
// `node scripts/protocol-types.mjs`.

/** Frames a client sends on /ws/visitor. */
export type VisitorRequest =
  | VisitorStartRequest
  | VisitorResumeRequest
  | VisitorSendRequest
  | VisitorTypingRequest
  | VisitorEndRequest
  | PingRequest;

/** Frames the server sends on /ws/visitor. */
export type VisitorFrame =
  | StartedFrame
  | ResumedFrame
  | VisitorAckFrame
  | VisitorMessageFrame
  | VisitorQueueFrame
  | VisitorTypingFrame
  | VisitorEndedFrame
  | ErrorFrame
  | PongFrame;

/** Frames a console sends on /ws/staff. */
export type StaffRequest =
  | HelloRequest
  | AvailabilityRequest
  | AcceptRequest
  | StaffSendRequest
  | StaffTypingRequest
  | TransferRequest
  | StaffEndRequest
  | HistoryRequest
  | QueuePageRequest
  | BlockRequest
  | BlocksRequest
  | UnblockRequest
  | PingRequest;

/** Frames the server sends on /ws/staff. */
export type StaffFrame =
  | StateFrame
  | StaffQueueFrame
  | ChatFrame
  | StaffMessageFrame
  | StaffAckFrame
  | StaffTypingFrame
  | VisitorConnectionFrame
  | StaffEndedFrame
  | RemovedFrame
  | StaffListFrame
  | OverviewFrame
  | BlockedFrame
  | BlocksFrame
  | UnblockedFrame
  | ErrorFrame
  | PongFrame;

/** UTC, RFC 3339, whole seconds. */
export type Time = string;

export type ConversationId = string;

export type BlockId = string;

export type Lang = 'en' | 'es';

export type Party = 'visitor' | 'advocate';

export type Role = 'coordinator' | 'supervisor' | 'admin';

export type Status = 'waiting' | 'active' | 'closed';

export type Disposition =
  | 'information'
  | 'safety_planning'
  | 'emotional_support'
  | 'referral'
  | 'no_response'
  | 'other';

export type BlockReason = 'abusive' | 'threatening' | 'prank' | 'other';

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

/** What the visitor chose to tell before the chat; every field optional. */
export interface Intake {
  name?: string;
  gender?: string;
  /** A whole number 0 to 120; a client may send it as a number. */
  age?: string | number;
  city?: string;
  state?: string;
  zip?: string;
  heard_about?: string;
}

/** A message or system event; `seq` starts at 1 and has no gaps. */
export interface Message {
  seq: number;
  from: 'visitor' | 'advocate' | 'system';
  at: Time;
  /** Visitor and advocate messages. */
  text?: string;
  /** The advocate's display name (advocate messages, advocate_joined, transferred). */
  name?: string;
  /** System events. */
  event?: 'advocate_joined' | 'transferred' | 'ended';
  /** Who ended the chat (the ended event). */
  by?: Party;
}

/** The visitor's view of its conversation. */
export interface Conversation {
  status: Status;
  last_seq: number;
  advocate: string | null;
}

export interface Me {
  id: number;
  name: string;
  role: Role;
}

export interface QueueEntry {
  conversation_id: ConversationId;
  waiting_since: Time;
  has_intake: boolean;
  visitor_connected: boolean;
  lang: Lang;
}

export interface Chat {
  conversation_id: ConversationId;
  status: Status;
  visitor_connected: boolean;
  lang: Lang;
  waiting_since: Time;
  accepted_at: Time | null;
  intake: Intake;
  /** The visitor ended the chat; it still needs a disposition. */
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
  conversation_id: ConversationId;
  status: 'waiting' | 'active';
  advocate: string | null;
  waiting_since: Time;
  started_at: Time | null;
}

/** A blocked network, known only by an opaque id: nothing about the visitor. */
export interface VisitorBlock {
  block_id: BlockId;
  /** Staff id. */
  placed_by: number;
  placed_by_name: string;
  placed_at: Time;
  expires_at: Time;
  reason: BlockReason;
}

/** Asks for a pong: browsers cannot see WebSocket pings. */
export interface PingRequest {
  type: 'ping';
}

/** Answer to ping. */
export interface PongFrame {
  type: 'pong';
}

/** A frame was refused; the connection stays open. */
export interface ErrorFrame {
  type: 'error';
  code: ErrorCode;
  /** English, for people and developers. */
  message: string;
  /** The client_id of the frame that failed, when it had one. */
  ref?: string;
}

/** Starts a new conversation and joins the queue. */
export interface VisitorStartRequest {
  type: 'start';
  intake?: Intake;
  lang?: Lang;
}

/** Rejoins an open conversation; the server replays every message after last_seq. */
export interface VisitorResumeRequest {
  type: 'resume';
  token: string;
  last_seq: number;
}

/** Sends a message; repeating a client_id never duplicates it. */
export interface VisitorSendRequest {
  type: 'send';
  client_id: string;
  /** Trimmed of surrounding white space; 1 to 4,000 code points. */
  text: string;
}

/** Tells the advocate the visitor is typing. */
export interface VisitorTypingRequest {
  type: 'typing';
  active: boolean;
}

/** Ends the chat, or leaves the queue. */
export interface VisitorEndRequest {
  type: 'end';
}

/** Answer to start. */
export interface StartedFrame {
  type: 'started';
  /** The resume token; the server keeps only its hash. */
  token: string;
  conversation: Conversation;
}

/** Answer to resume, followed by the missed message frames. */
export interface ResumedFrame {
  type: 'resumed';
  conversation: Conversation;
}

/** The visitor's message is stored durably. */
export interface VisitorAckFrame {
  type: 'ack';
  client_id: string;
  seq: number;
}

/** A new message or event, the visitor's own included once stored. */
export interface VisitorMessageFrame {
  type: 'message';
  message: Message;
}

/** While waiting: on joining and resuming, then whenever either value changes. */
export interface VisitorQueueFrame {
  type: 'queue';
  /** 1 = next. */
  position: number;
  /** 0 when no advocate is available. */
  estimated_wait_s: number;
}

/** The advocate started or stopped typing. */
export interface VisitorTypingFrame {
  type: 'typing';
  active: boolean;
}

/** The conversation is closed; forget the token. */
export interface VisitorEndedFrame {
  type: 'ended';
  by: Party;
}

/** The first frame: proves the session's CSRF token; answered with state. */
export interface HelloRequest {
  type: 'hello';
  csrf_token: string;
}

/** Available for new chats, or away. */
export interface AvailabilityRequest {
  type: 'availability';
  available: boolean;
}

/** Takes a waiting chat; answered with chat once the store has the claim. */
export interface AcceptRequest {
  type: 'accept';
  conversation_id: ConversationId;
}

/** Sends a message to the visitor. */
export interface StaffSendRequest {
  type: 'send';
  conversation_id: ConversationId;
  client_id: string;
  /** Trimmed of surrounding white space; 1 to 4,000 code points. */
  text: string;
}

/** Typing indicator to the visitor. */
export interface StaffTypingRequest {
  type: 'typing';
  conversation_id: ConversationId;
  active: boolean;
}

/** Hands an active chat to another signed-in coordinator. */
export interface TransferRequest {
  type: 'transfer';
  conversation_id: ConversationId;
  /** Staff id. */
  to: number;
}

/** Ends an active chat, or records the disposition of one the visitor ended. */
export interface StaffEndRequest {
  type: 'end';
  conversation_id: ConversationId;
  disposition: Disposition;
}

/** Asks again for the messages after after_seq; answered with chat. */
export interface HistoryRequest {
  type: 'history';
  conversation_id: ConversationId;
  after_seq: number;
}

/** Shows this console the queue from position offset + 1; answered with queue. */
export interface QueuePageRequest {
  type: 'queue_page';
  offset: number;
}

/** Ends the chat and blocks its visitor's network; answered with blocked. */
export interface BlockRequest {
  type: 'block';
  conversation_id: ConversationId;
  reason: BlockReason;
  /** Default other. */
  disposition?: Disposition;
}

/** Supervisors and admins: asks for the active blocks. */
export interface BlocksRequest {
  type: 'blocks';
}

/** Supervisors and admins: lifts a block early; answered with unblocked. */
export interface UnblockRequest {
  type: 'unblock';
  block_id: BlockId;
}

/** Answer to hello; one chat frame follows for each chat this member holds. */
export interface StateFrame {
  type: 'state';
  me: Me;
  available: boolean;
  max_chats: number;
  /** How long a block lasts. */
  block_hours: number;
  /** The server's clock. */
  now: Time;
  /** The first page of the queue. */
  queue: QueueEntry[];
  queue_offset: 0;
  /** Everyone waiting. */
  queue_total: number;
  staff: StaffMember[];
  /** Empty for coordinators. */
  overview: OverviewChat[];
  /** Supervisors and admins only. */
  blocks?: VisitorBlock[];
}

/** Whenever the queue changes, and in answer to queue_page. */
export interface StaffQueueFrame {
  type: 'queue';
  now: Time;
  /** Everyone waiting. */
  total: number;
  offset: number;
  /** Oldest first, from position offset + 1. */
  entries: QueueEntry[];
}

/** A chat was given to this member (accept, transfer), or the answer to history. */
export interface ChatFrame {
  type: 'chat';
  chat: Chat;
}

/** A new message or event in one of this member's chats. */
export interface StaffMessageFrame {
  type: 'message';
  conversation_id: ConversationId;
  message: Message;
}

/** This member's message is stored durably. */
export interface StaffAckFrame {
  type: 'ack';
  conversation_id: ConversationId;
  client_id: string;
  seq: number;
}

/** The visitor started or stopped typing. */
export interface StaffTypingFrame {
  type: 'typing';
  conversation_id: ConversationId;
  active: boolean;
}

/** The visitor's connection dropped or came back. */
export interface VisitorConnectionFrame {
  type: 'visitor';
  conversation_id: ConversationId;
  connected: boolean;
}

/** The visitor ended the chat: record a disposition with end. */
export interface StaffEndedFrame {
  type: 'ended';
  conversation_id: ConversationId;
  by: Party;
}

/** The chat is no longer this member's to show. */
export interface RemovedFrame {
  type: 'removed';
  conversation_id: ConversationId;
  /** purged: retention erased it before a disposition was recorded. */
  reason: 'transferred' | 'closed' | 'purged';
}

/** Supervisors and admins, whenever a chat changes: the 50 oldest waiting chats, then every active one. */
export interface OverviewFrame {
  type: 'overview';
  chats: OverviewChat[];
  /** Everyone waiting. */
  waiting: number;
}

/** Answer to block; the chat's own removed or ended frame follows. */
export interface BlockedFrame {
  type: 'blocked';
  conversation_id: ConversationId;
  block_id: BlockId;
  expires_at: Time;
}

/** Supervisors and admins: answer to blocks, and whenever a block is placed or lifted. */
export interface BlocksFrame {
  type: 'blocks';
  now: Time;
  /** Oldest first. */
  blocks: VisitorBlock[];
}

/** Answer to unblock. */
export interface UnblockedFrame {
  type: 'unblocked';
  block_id: BlockId;
}

/** Signed-in staff, whenever presence or load changes. */
export interface StaffListFrame {
  type: 'staff';
  staff: StaffMember[];
}
