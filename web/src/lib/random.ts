// Client message ids must stay unique across page reloads (a repeated id would be taken
// as a resend of an older message), so they are random rather than counters.

export function randomId(prefix: string): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += (bytes[i] + 0x100).toString(16).slice(1);
  return prefix + hex;
}
