#!/usr/bin/env node
// Writes web/src/lib/protocol.ts from docs/protocol.schema.json, so that the front end's frame
// types cannot drift from the one description of the protocol. `--check` writes nothing and
// fails when the file differs (tests/chat/protocol_schema.test.mjs runs the same comparison).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const schemaPath = path.join(root, 'docs', 'protocol.schema.json');
export const typesPath = path.join(root, 'web', 'src', 'lib', 'protocol.ts');

const quote = (s) => `'${String(s).replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const literal = (v) => (typeof v === 'string' ? quote(v) : JSON.stringify(v));
const refName = (ref) => ref.replace('#/$defs/', '');
const scalar = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean', null: 'null' };

function union(parts) {
  return [...new Set(parts)].join(' | ');
}

/** The TypeScript type of a schema (the subset docs/protocol.schema.json uses). */
function typeOf(s) {
  if (s.$ref) return refName(s.$ref);
  if ('const' in s) return literal(s.const);
  if (s.enum) return union(s.enum.map(literal));
  if (s.oneOf || s.anyOf) return union((s.oneOf || s.anyOf).map(typeOf));
  if (Array.isArray(s.type)) return union(s.type.map((t) => typeOf({ ...s, type: t })));
  if (s.type === 'array') {
    const item = typeOf(s.items);
    return item.includes(' ') ? `(${item})[]` : `${item}[]`;
  }
  if (s.type === 'object') return s.properties ? `{ ${members(s).join(' ')} }` : 'Record<string, never>';
  if (scalar[s.type]) return scalar[s.type];
  throw new Error(`no TypeScript type for ${JSON.stringify(s)}`);
}

function members(s, indent = '') {
  const required = new Set(s.required || []);
  const out = [];
  for (const [name, p] of Object.entries(s.properties)) {
    if (indent && p.description) out.push(`${indent}/** ${p.description} */`);
    out.push(`${indent}${name}${required.has(name) ? '' : '?'}: ${typeOf(p)};`);
  }
  return out;
}

export function typescriptFrom(schema) {
  const lines = [
    '// Generated from docs/protocol.schema.json by scripts/protocol-types.mjs; do not edit.',
    '// The frames of docs/PROTOCOL.md as TypeScript types: change the schema, then run',
    '// `node scripts/protocol-types.mjs`.',
  ];
  for (const [name, s] of Object.entries(schema.$defs)) {
    lines.push('');
    if (s.description) lines.push(`/** ${s.description} */`);
    if (s.type === 'object' && s.properties) {
      lines.push(`export interface ${name} {`, ...members(s, '  '), '}');
    } else {
      const type = typeOf(s);
      const line = `export type ${name} = ${type};`;
      // Past 100 columns, a union takes a line a member, as a person would write it.
      lines.push(line.length <= 100 ? line
        : `export type ${name} =\n${type.split(' | ').map((t) => `  | ${t}`).join('\n')};`);
    }
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = typescriptFrom(JSON.parse(readFileSync(schemaPath, 'utf8')));
  if (process.argv.includes('--check')) {
    if (readFileSync(typesPath, 'utf8') !== wanted) {
      console.error('web/src/lib/protocol.ts differs from docs/protocol.schema.json; run node scripts/protocol-types.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(typesPath, wanted);
  }
}
