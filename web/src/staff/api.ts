// The staff HTTP API (docs/API.md). The session itself is an HttpOnly cookie the script
// never sees; the CSRF token is kept in memory only, so a reload asks /api/staff/me again.

import type { Role } from '../lib/protocol';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

export interface SessionInfo {
  user: User;
  csrf_token: string;
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
  ) {
    super(message);
  }
}

let csrfToken = '';

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
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code || `http_${response.status}`,
      error?.message || `The server answered with status ${response.status}.`,
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

export async function logout(): Promise<void> {
  try {
    await request<void>('POST', '/api/staff/logout');
  } finally {
    csrfToken = '';
  }
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
