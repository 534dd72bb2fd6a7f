// The staff HTTP API (docs/API.md). The session itself is an HttpOnly cookie the script
// never sees; the CSRF token is kept in memory only, so a reload asks /api/staff/me again.

import type { Role } from '../lib/protocol';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  totp_enrolled: boolean;
}

/** What a session must do before the console opens (docs/API.md, sign-in steps). */
export type NextStep = 'done' | 'totp_code' | 'change_password' | 'enrol_totp';

export interface SessionInfo {
  user: User;
  csrf_token: string;
  next_step: NextStep;
  /** Failed attempts on the account since its last sign-in, on the last sign-in step. */
  failed_sign_ins?: number;
}

export interface TotpStatus {
  enrolled: boolean;
  required: boolean;
  recovery_codes_left: number;
}

export interface TotpEnrolment {
  secret: string;
  uri: string;
  qr: { size: number; modules: string };
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

/** An answer other than success; `message` is meant for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before trying again (429). */
    readonly retryAfter = 0,
  ) {
    super(message);
  }
}

/** The errors of a session that owes a sign-in step, and the step each one asks for. */
const STEP_ERRORS: Record<string, NextStep> = {
  totp_code_required: 'totp_code',
  password_change_required: 'change_password',
  totp_enrolment_required: 'enrol_totp',
};

let csrfToken = '';
let onStepRequired: (step: NextStep) => void = () => {};

/** Who shows the screen for a step the server says a session still owes. */
export function handleStepRequired(handler: (step: NextStep) => void): void {
  onStepRequired = handler;
}

export function csrf(): string {
  return csrfToken;
}

/** One call to the staff API; a POST carries the CSRF token. Throws ApiError. */
export async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: method === 'POST' ? JSON.stringify(body === undefined ? {} : body) : undefined,
    });
  } catch {
    throw new ApiError(
      0,
      'network',
      'Could not reach the server. Check the connection and try again.',
    );
  }
  if (response.status === 204) return undefined as T;
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    // An error page or an empty body; handled below.
  }
  if (!response.ok) {
    const error = (
      data as { error?: { code?: string; message?: string; retry_after?: number } } | null
    )?.error;
    const code = error?.code || `http_${response.status}`;
    if (STEP_ERRORS[code]) onStepRequired(STEP_ERRORS[code]);
    throw new ApiError(
      response.status,
      code,
      error?.message || `The server answered with status ${response.status}.`,
      error?.retry_after ?? Number(response.headers.get('Retry-After') || 0),
    );
  }
  return data as T;
}

function keepSession(info: SessionInfo): SessionInfo {
  csrfToken = info.csrf_token;
  return info;
}

export async function login(email: string, password: string): Promise<SessionInfo> {
  return keepSession(await request<SessionInfo>('POST', '/api/staff/login', { email, password }));
}

/** The current session, if the cookie still holds one (401 `unauthenticated` otherwise). */
export async function me(): Promise<SessionInfo> {
  return keepSession(await request<SessionInfo>('GET', '/api/staff/me'));
}

/** The second sign-in step: a TOTP code or a recovery code. */
export async function loginCode(code: string): Promise<SessionInfo> {
  return keepSession(await request<SessionInfo>('POST', '/api/staff/login/totp', { code }));
}

/** Ends this session (`everywhere`: every session of the member). */
export async function logout(everywhere = false): Promise<void> {
  try {
    await request<void>('POST', everywhere ? '/api/staff/logout-everywhere' : '/api/staff/logout');
  } finally {
    csrfToken = '';
  }
}

export async function changePassword(
  currentPassword: string,
  newPassword: string,
): Promise<{ user: User; next_step: NextStep }> {
  return request('POST', '/api/staff/password', {
    current_password: currentPassword,
    new_password: newPassword,
  });
}

export async function totpStatus(): Promise<TotpStatus> {
  return request<TotpStatus>('GET', '/api/staff/totp');
}

export async function startTotpEnrolment(): Promise<TotpEnrolment> {
  return request<TotpEnrolment>('POST', '/api/staff/totp/enrol');
}

export async function confirmTotp(
  code: string,
): Promise<{ recovery_codes: string[]; user: User; next_step: NextStep }> {
  return request('POST', '/api/staff/totp/confirm', { code });
}

export async function resetTotp(id: number): Promise<User> {
  return (await request<{ user: User }>('POST', `/api/staff/users/${id}/totp-reset`)).user;
}

export async function totpRequiredRoles(): Promise<Role[]> {
  return (await request<{ totp_required_roles: Role[] }>('GET', '/api/staff/security'))
    .totp_required_roles;
}

export async function setTotpRequiredRoles(roles: Role[]): Promise<Role[]> {
  return (
    await request<{ totp_required_roles: Role[] }>('POST', '/api/staff/security', {
      totp_required_roles: roles,
    })
  ).totp_required_roles;
}

export async function listUsers(): Promise<User[]> {
  return (await request<{ users: User[] }>('GET', '/api/staff/users')).users;
}

export async function addUser(user: NewUser): Promise<User> {
  return (await request<{ user: User }>('POST', '/api/staff/users', user)).user;
}

export async function disableUser(id: number): Promise<User> {
  return (await request<{ user: User }>('POST', `/api/staff/users/${id}/disable`)).user;
}
