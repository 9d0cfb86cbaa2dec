import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectKind } from '../import/detect.ts';
import { FILE_HANDLERS, OPENABLE_TYPES, SHARE_TARGET } from './os-manifest.ts';

describe('the manifest members for documents sent by the system', () => {
  it('lists only types the importer reads, and every one of .txt .md .html .pdf .docx', () => {
    const kinds = new Set<string>();
    for (const [type, extensions] of Object.entries(OPENABLE_TYPES)) {
      const byType = detectKind('', type);
      assert.ok(byType, `${type} is read by the importer`);
      for (const extension of extensions) {
        assert.equal(detectKind(`file${extension}`), byType, `${extension} is read as ${type}`);
        kinds.add(byType);
      }
    }
    assert.deepEqual([...kinds].sort(), ['docx', 'html', 'md', 'pdf', 'txt']);
  });

  it('opens and accepts shares of the same types', () => {
    assert.deepEqual(FILE_HANDLERS[0]!.accept, OPENABLE_TYPES);
    const accepted = SHARE_TARGET.params.files[0]!.accept;
    for (const [type, extensions] of Object.entries(OPENABLE_TYPES)) for (const a of [type, ...extensions]) assert.ok(accepted.includes(a), a);
    assert.equal(SHARE_TARGET.method, 'POST');
    assert.equal(SHARE_TARGET.enctype, 'multipart/form-data');
  });
});
