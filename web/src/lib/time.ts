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

/**
 * "Nov 29, 2025, 10:04 AM" (with `seconds`, "10:04:31 AM") in the reader's own time zone and
 * format; empty if the time is not valid.
 */
export function dateTime(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (isNaN(date.getTime())) return '';
  return date.toLocaleString([], {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
  });
}

/**
 * The value of an `<input type="datetime-local">` (the reader's own time, "2026-12-01T09:00")
 * as a UTC time the server reads, "2026-12-01T08:00:00Z"; null if it is not a valid time.
 */
export function localInputToUtc(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const date = new Date(value); // a date and time without an offset is local time
  if (isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `date` as a datetime-local input value ("2026-12-01T09:00"), in the reader's time. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => (n < 10 ? '0' : '') + n;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}
