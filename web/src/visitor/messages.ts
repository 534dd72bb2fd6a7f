// How a message looks in the visitor's transcript.

import { h } from '../lib/dom';
import type { Message } from '../lib/protocol';
import { clockTime } from '../lib/time';
import type { MessageLook } from '../lib/transcript';
import { t } from './strings';

function systemText(m: Message): string {
  const name = m.name || t('advocate');
  switch (m.event) {
    case 'advocate_joined':
      return t('advocateJoined', { name });
    case 'transferred':
      return t('transferred', { name });
    case 'ended':
      return m.by === 'visitor' ? t('endedByVisitor') : t('endedByAdvocate');
    default:
      return '';
  }
}

function render(m: Message): HTMLElement {
  if (m.from === 'system') return h('div', { class: 'msg msg-system' }, systemText(m));
  const own = m.from === 'visitor';
  const time = clockTime(m.at);
  return h(
    'div',
    { class: own ? 'msg msg-own' : 'msg msg-other' },
    h(
      'p',
      { class: 'msg-meta' },
      h('span', { class: 'msg-from' }, own ? t('you') : m.name || t('advocate')),
      time && h('time', { datetime: m.at }, time),
      own && h('span', { class: 'msg-state' }),
    ),
    h('p', { class: 'msg-text' }, m.text || ''),
  );
}

export const visitorLook: MessageLook = { render, sending: t('sending'), notSent: t('notSent') };
