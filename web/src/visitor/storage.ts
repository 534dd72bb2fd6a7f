// The resume token lives in sessionStorage only: it survives a reload or a dropped
// network, and vanishes with the tab. Message text is never stored.

const KEY = 'sc.chat';
const TOKEN = /^[0-9a-f]{64}$/i;

interface Saved {
  token: string;
  /** Highest seq seen, kept for the record; a reloaded page resumes from 0 to redraw. */
  last_seq: number;
}

export function loadToken(): string | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const saved = JSON.parse(raw) as Partial<Saved>;
    return typeof saved.token === 'string' && TOKEN.test(saved.token) ? saved.token : null;
  } catch {
    return null;
  }
}

/** Returns false when the browser refuses storage (some private modes). */
export function saveChat(token: string, lastSeq: number): boolean {
  try {
    const saved: Saved = { token, last_seq: lastSeq };
    sessionStorage.setItem(KEY, JSON.stringify(saved));
    return true;
  } catch {
    return false;
  }
}

export function forgetChat(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}
