// docs/protocol.schema.json is the one description of the chat protocol. This test holds the
// other two copies to it: web/src/lib/protocol.ts must be what scripts/protocol-types.mjs
// generates from it, and docs/PROTOCOL.md's frame tables must name every frame of each
// endpoint and direction with its fields, and no frame the schema lacks. (The server is held
// to it by tests/chat/protocol_schema_test.cpp.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import Ajv2020 from 'ajv/dist/2020.js';

import { schemaPath, typescriptFrom, typesPath } from '../../scripts/protocol-types.mjs';

const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const doc = readFileSync(path.join(path.dirname(schemaPath), 'PROTOCOL.md'), 'utf8');

/** The four entry points, and where PROTOCOL.md lists each. */
const directions = [
  { def: 'VisitorRequest', section: 'Visitor endpoint', table: 'Client → server' },
  { def: 'VisitorFrame', section: 'Visitor endpoint', table: 'Server → client' },
  { def: 'StaffRequest', section: 'Staff endpoint', table: 'Client → server' },
  { def: 'StaffFrame', section: 'Staff endpoint', table: 'Server → client' },
];

const defOf = (ref) => schema.$defs[ref.replace('#/$defs/', '')];

/** type → the frame's schema, for one entry point. */
function framesOf(entry) {
  const out = new Map();
  for (const { $ref } of schema.$defs[entry].oneOf) {
    const frame = defOf($ref);
    out.set(frame.properties.type.const, frame);
  }
  return out;
}

/** type → the fields cell of its row, in the table under `### table` of `## section`. */
function documentedFrames(section, table) {
  const part = doc.split(/^## /m).find((s) => s.startsWith(section));
  assert.ok(part, `PROTOCOL.md has no section "## ${section}"`);
  const block = part.split(/^### /m).find((s) => s.startsWith(table));
  assert.ok(block, `PROTOCOL.md "## ${section}" has no table "### ${table}"`);
  const rows = new Map();
  for (const line of block.split('\n')) {
    const m = /^\| `([a-z_]+)` \|([^|]*)\|/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

describe('docs/protocol.schema.json', () => {
  it('is valid JSON Schema 2020-12, and every example fits its frame and its endpoint', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
    ajv.addSchema(schema);
    let examples = 0;
    for (const [name, def] of Object.entries(schema.$defs)) {
      const validate = ajv.getSchema(`${schema.$id}#/$defs/${name}`);
      for (const example of def.examples || []) {
        assert.ok(validate(example), `${name} example ${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`);
        ++examples;
      }
    }
    for (const { def } of directions) {
      const validate = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
      for (const [type, frame] of framesOf(def)) {
        assert.ok(frame.examples?.length, `${def} '${type}' has no example`);
        for (const example of frame.examples) {
          assert.ok(validate(example), `${def} '${type}' example: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
    assert.ok(examples > 40, `only ${examples} examples`);
  });

  it('gives each frame type once per endpoint and direction', () => {
    for (const { def } of directions) {
      const types = schema.$defs[def].oneOf.map(({ $ref }) => defOf($ref).properties.type.const);
      assert.deepEqual(types, [...new Set(types)], `${def} repeats a type`);
    }
  });

  it('is what web/src/lib/protocol.ts was generated from', () => {
    assert.equal(readFileSync(typesPath, 'utf8'), typescriptFrom(schema),
      'web/src/lib/protocol.ts differs from the schema: run node scripts/protocol-types.mjs');
  });
});

describe('docs/PROTOCOL.md', () => {
  for (const { def, section, table } of directions) {
    it(`lists the frames of ${def} under "${section}" / "${table}", with their fields`, () => {
      const documented = documentedFrames(section, table);
      const frames = framesOf(def);
      for (const [type, frame] of frames) {
        assert.ok(documented.has(type), `'${type}' (${def}) is not in the table`);
        for (const field of Object.keys(frame.properties)) {
          if (field === 'type') continue;
          assert.ok(documented.get(type).includes(`\`${field}\``),
            `'${type}' (${def}): field '${field}' is not in its row`);
        }
      }
      for (const type of documented.keys()) {
        assert.ok(frames.has(type), `'${type}' is in the table but not in the schema's ${def}`);
      }
    });
  }

  it('lists the error codes of the schema, and no other', () => {
    const block = doc.split(/^### /m).find((s) => s.startsWith('`error`'));
    assert.ok(block, 'PROTOCOL.md has no "### `error`" section');
    const table = block.slice(block.indexOf('| code |')).split(/^## /m)[0];
    const codes = [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(codes.sort(), [...schema.$defs.ErrorCode.enum].sort());
  });
});
