// The optional intake form: seven fields, all optional, folded away by default so the
// quickest path is straight to "Start chat".

import { h } from '../lib/dom';
import type { Intake } from '../lib/protocol';
import { t, type StringId } from './strings';

type Field = keyof Intake;

interface FieldSpec {
  name: Field;
  label: StringId;
  attrs?: Record<string, string>;
}

const FIELDS: FieldSpec[] = [
  { name: 'name', label: 'fieldName' },
  { name: 'gender', label: 'fieldGender' },
  {
    name: 'age',
    label: 'fieldAge',
    attrs: { type: 'number', min: '0', max: '120', step: '1', inputmode: 'numeric' },
  },
  { name: 'city', label: 'fieldCity' },
  { name: 'state', label: 'fieldState' },
  {
    name: 'zip',
    label: 'fieldZip',
    attrs: { pattern: '[A-Za-z0-9 \\-]{3,10}', title: t('fieldZipHint') },
  },
  { name: 'heard_about', label: 'fieldHeardAbout' },
];

/** The <details> holding the fields; they start empty and nothing is remembered. */
export function intakeDetails(): HTMLDetailsElement {
  return h(
    'details',
    { class: 'intake', id: 'intake' },
    h('summary', null, t('intakeSummary')),
    h('p', { class: 'hint' }, t('intakeHelp')),
    ...FIELDS.map((field) => {
      const id = `intake-${field.name}`;
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id }, t(field.label)),
        h(
          'input',
          Object.assign(
            {
              id,
              name: field.name,
              type: 'text',
              maxlength: 100,
              autocomplete: 'off',
              spellcheck: 'false',
            },
            field.attrs,
          ),
        ),
      );
    }),
  );
}

/** The non-empty answers, trimmed. */
export function readIntake(form: HTMLFormElement): Intake {
  const intake: Intake = {};
  for (const field of FIELDS) {
    const input = form.elements.namedItem(field.name);
    if (!(input instanceof HTMLInputElement)) continue;
    const value = input.value.trim();
    if (value) intake[field.name] = value;
  }
  return intake;
}
