// The privacy routes of the staff API (src/http/privacy_api.cpp): retention, erasure of
// closed conversations, the audit log, traffic counts and privacy policy versions.
// Times are UTC ISO strings ("2026-12-01T09:00:00Z").

import { request } from './api';

export interface ClosedConversation {
  conversation_id: string;
  closed_at: string | null;
  /** 'visitor', 'advocate' or '' when unknown. */
  closed_by: string;
  advocate: string;
  disposition: string;
  legal_hold: boolean;
  /** null while on legal hold. */
  purge_due_at: string | null;
}

export interface ClosedConversations {
  retention_hours: number;
  conversations: ClosedConversation[];
}

export interface AuditEntry {
  id: number;
  at: string;
  /** null: the server itself (the scheduled purge). */
  staff_id: number | null;
  staff_name: string;
  action: string;
  subject: string;
}

/** How many audit entries one page holds; a shorter page is the last one. */
export const AUDIT_PAGE_SIZE = 200;

export interface TrafficDay {
  /** A UTC day, "2026-12-01". */
  day: string;
  visitors: number;
  /** Page views by path. */
  pages: Record<string, number>;
}

export interface PolicyVersion {
  version: number;
  effective_at: string;
  published_at: string;
  in_force: boolean;
  markdown: string;
}

export interface PublishedPolicy {
  version: number;
  effective_at: string;
}

export async function getRetention(): Promise<number> {
  return (await request<{ hours: number }>('GET', '/api/staff/retention')).hours;
}

export async function setRetention(hours: number): Promise<number> {
  return (await request<{ hours: number }>('POST', '/api/staff/retention', { hours })).hours;
}

export function listClosedConversations(): Promise<ClosedConversations> {
  return request<ClosedConversations>('GET', '/api/staff/conversations');
}

export async function purgeConversation(id: string): Promise<void> {
  await request<{ purged: string }>(
    'POST',
    `/api/staff/conversations/${encodeURIComponent(id)}/purge`,
  );
}

/** Newest first; `before` (an entry id) pages back to older entries. */
export async function readAudit(before?: number): Promise<AuditEntry[]> {
  const query = before === undefined ? '' : `?before=${before}`;
  return (await request<{ entries: AuditEntry[] }>('GET', `/api/staff/audit${query}`)).entries;
}

/** The last `days` days, newest first; days without any visit are left out. */
export async function readTraffic(days: number): Promise<TrafficDay[]> {
  return (await request<{ days: TrafficDay[] }>('GET', `/api/staff/traffic?days=${days}`)).days;
}

/** Every version, newest first. */
export async function listPolicies(): Promise<PolicyVersion[]> {
  return (await request<{ versions: PolicyVersion[] }>('GET', '/api/staff/policies')).versions;
}

/** `effectiveAt` null: in force at once. */
export function publishPolicy(
  markdown: string,
  effectiveAt: string | null,
): Promise<PublishedPolicy> {
  const body = effectiveAt ? { markdown, effective_at: effectiveAt } : { markdown };
  return request<PublishedPolicy>('POST', '/api/staff/policies', body);
}
