// Times shown to people: the local clock time of a message, and how long something has
// been waiting.

/** "10:04" in the reader's own time and format; empty if the server sent no valid time. */
export function clockTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (isNaN(date.getTime())) return '';
  return date.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/** "0:42", "12:05", "1:02:05": time elapsed since `iso`, never negative. */
export function elapsed(iso: string | null | undefined, now = Date.now()): string {
  const start = iso ? new Date(iso).getTime() : NaN;
  if (isNaN(start)) return '';
  let s = Math.max(0, Math.floor((now - start) / 1000));
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  const seconds = s - minutes * 60;
  const pad = (n: number) => (n < 10 ? '0' : '') + n;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}
