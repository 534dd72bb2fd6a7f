// Every piece of text the visitor chat shows, keyed by id. To add a language, add a table
// with the same keys (the type checker lists any that are missing) and register it below.
// `{name}` style placeholders are filled in by t().

const en = {
  title: 'Chat with an advocate',

  noticeTitle: 'Before you start',
  noticeConfidential:
    'This chat is confidential. You do not have to tell us your name or anything else about yourself.',
  noticeException:
    'There is one exception. Our advocates are mandated reporters. If you tell us that a child or a person with a disability is being abused or neglected, or that you might hurt yourself or someone else, they must report it to protective or emergency services. If that happens, the advocate will work with you so you keep getting support.',
  noticeDevice:
    'If someone may see your screen, use Quick exit at the top of the page or press the Escape key. This chat is not saved in your browser once you close the tab.',
  noticeEmergency: 'If you are in danger right now, call 911.',

  intakeSummary: 'Tell us about yourself (optional)',
  intakeHelp: 'Every question is optional. Skip any you like; it does not change the help you get.',
  fieldName: 'Name or nickname',
  fieldGender: 'Gender',
  fieldAge: 'Age',
  fieldCity: 'City or town',
  fieldState: 'State',
  fieldZip: 'ZIP code',
  fieldZipHint: '3 to 10 letters or numbers',
  fieldHeardAbout: 'How did you hear about us?',
  startChat: 'Start chat',

  connecting: 'Connecting…',
  reconnecting: 'The connection was lost. Reconnecting…',
  waiting: 'Waiting for an advocate…',
  queuePosition: 'You are number {n} in line.',
  queueWaitMinutes: 'Estimated wait: about {n} minutes.',
  queueWaitMinute: 'Estimated wait: about 1 minute.',
  queueWaitUnknown: 'An advocate will be with you as soon as they can.',
  chattingWith: 'You are chatting with {name}.',
  ending: 'Ending the chat…',

  logLabel: 'Messages',
  you: 'You',
  advocate: 'Advocate',
  advocateJoined: '{name} joined the chat.',
  transferred: '{name} is now chatting with you.',
  endedByVisitor: 'You ended the chat.',
  endedByAdvocate: 'The advocate ended the chat.',
  typing: '{name} is typing…',
  sending: 'Sending…',
  notSent: 'Not sent',

  messageLabel: 'Your message',
  messageHint: 'Press Enter to send, Shift and Enter for a new line.',
  charsLeft: '{n} characters left',
  send: 'Send',

  endChat: 'End chat',
  endConfirm: 'End this chat? You cannot come back to it afterwards.',
  endYes: 'Yes, end chat',
  endNo: 'Keep chatting',

  endedTitle: 'This chat has ended',
  endedHelp:
    'Nothing from this chat is kept in this browser after you close the tab. You can use Quick exit or close the tab now.',
  newChat: 'Start a new chat',
  expired: 'Your earlier chat has ended or expired. You can start a new one.',

  errorRateLimited: 'You are sending messages very quickly. Please wait a moment.',
  errorUnavailable:
    'We cannot start a chat right now. Please try again in a few minutes, or see the contact page for other ways to reach us.',
  errorServiceUnavailable:
    'The chat service is not available right now. If you are in danger, call 911.',
  errorTooLong: 'That message is too long. Please split it into shorter messages.',
  errorNotSent: 'Your message could not be sent. You can copy it and try again.',
  errorInternal: 'Something went wrong on our side. Please try again.',
  errorGeneric: 'Something went wrong. Please try again.',
  errorStorage:
    'This browser does not allow this page to remember the chat, so reloading the page will end it.',
};

export type StringId = keyof typeof en;
type Strings = Record<StringId, string>;

const tables: Record<string, Strings> = { en };

/** The page's language (from <html lang>) if we have it, else English. */
export const lang: 'en' | 'es' =
  (document.documentElement.lang || 'en').slice(0, 2).toLowerCase() === 'es' && tables.es
    ? 'es'
    : 'en';

const table: Strings = tables[lang] || en;

/** The text for `id` with `{key}` placeholders filled in. */
export function t(id: StringId, params?: Record<string, string | number>): string {
  const text = table[id];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}
