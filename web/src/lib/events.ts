// Names of the events the page scripts use to talk to each other.

/** Fired on window by the quick exit just before leaving, so a chat can close its connection. */
export const EXIT_EVENT = 'safeconnect:exit';
