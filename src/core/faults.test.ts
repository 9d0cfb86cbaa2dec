import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyError, describeError, formatSize, modelFaultMessage, readableReason, WorkerDiedError, WorkerFailedError } from './faults.ts';

/** How errors arrive after crossing a worker boundary: a name and a message, no class. */
const crossed = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('classifyError', () => {
  it('tells storage full from its name, even with an empty message (what Comlink hands over)', () => {
    assert.equal(classifyError(crossed('QuotaExceededError', '')), 'storage-full');
    assert.equal(classifyError(new Error('Encountered full disk while opening backing store')), 'storage-full');
  });

  it('tells worker deaths, damaged model files and missing ones apart', () => {
    assert.equal(classifyError(new WorkerDiedError('closed')), 'worker');
    assert.equal(classifyError(crossed('WorkerFailedError', 'twice')), 'worker');
    assert.equal(
      classifyError(new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.")),
      'model-damaged',
    );
    assert.equal(
      classifyError(new Error('`local_files_only=true` or `env.allowRemoteModels=false` and file was not found locally at "/models/x/onnx/model_quantized.onnx".')),
      'model-missing',
    );
    assert.equal(classifyError(new Error('“notes.txt” has no text to index.')), 'other');
  });

  it('tells a chosen file that vanished from disk (the DOMExceptions a File read rejects with) from IndexedDB’s NotFoundError', () => {
    const gone = crossed('NotFoundError', 'A requested file or directory could not be found at the time an operation was processed.');
    assert.equal(classifyError(gone), 'file-gone');
    assert.equal(classifyError(crossed('NotReadableError', 'The requested file could not be read.')), 'file-gone');
    assert.equal(classifyError(crossed('NotFoundError', 'One of the specified object stores was not found.')), 'other');
    const message = describeError(gone, { action: '“a.txt” was not added' });
    assert.doesNotMatch(message, /requested file or directory/);
    assert.equal(message, '“a.txt” was not added: the file could not be read — it was moved, deleted or changed after it was chosen. Choose it again.');
  });
});

describe('describeError', () => {
  it('says storage is full, how much is used of how much, what to do, and that earlier data is kept', () => {
    const message = describeError(crossed('QuotaExceededError', ''), { action: 'Indexing stopped', storage: { usage: 52_400_000, quota: 60_000_000 } });
    assert.match(message, /^Indexing stopped: storage is full/);
    assert.match(message, /Passage uses 52 MB of the 60 MB this browser allows it/);
    assert.match(message, /Delete documents .* then press “Try again”/);
    assert.match(message, /Everything stored before is kept/);
  });

  it('never shows raw library text: a damaged model asks for Repair, a missing one offline says to connect', () => {
    const damaged = describeError(new Error("Can't create a session. ERROR_CODE: 7 … protobuf parsing failed"), { action: 'X' });
    assert.doesNotMatch(damaged, /ERROR_CODE|protobuf/);
    assert.match(damaged, /damaged.*“Repair”/);
    const offline = describeError(new Error('local_files_only=true … file was not found locally'), { action: 'X', online: false });
    assert.doesNotMatch(offline, /local_files_only/);
    assert.match(offline, /you are offline. Connect to the internet/);
  });

  it('keeps our own readable messages and replaces unreadable ones', () => {
    assert.equal(describeError(new Error('Passage: “a.txt” has no text to index.'), { action: 'Not added' }), 'Not added: “a.txt” has no text to index.');
    assert.equal(describeError(new Error(''), { action: 'Indexing stopped' }), 'Indexing stopped: something unexpected went wrong. Press “Try again”.');
    assert.equal(readableReason(new Error('TypeError: x is undefined at foo (https://h/a.js:1:2)')), '');
  });

  it('formats sizes in decimal units', () => {
    assert.equal(formatSize(999), '999 bytes');
    assert.equal(formatSize(1_500_000), '1.5 MB');
    assert.equal(formatSize(52_400_000), '52 MB');
  });
});

describe('modelFaultMessage', () => {
  it('names the damaged files, offers Repair, and says search matches words only meanwhile', () => {
    const message = modelFaultMessage(new Error('protobuf parsing failed'), { damaged: ['onnx/model_quantized.onnx'], missing: [] }, true);
    assert.match(message, /damaged or incomplete \(onnx\/model_quantized\.onnx\)/);
    assert.match(message, /“Repair”/);
    assert.match(message, /Until then, search matches words only\.$/);
  });

  it('a missing file while offline says to connect first', () => {
    assert.match(modelFaultMessage(new Error('x'), { damaged: [], missing: ['tokenizer.json'] }, false), /not on this device and you are offline/);
  });

  it('with healthy files, falls back to what the error says', () => {
    assert.match(modelFaultMessage(new WorkerFailedError('twice'), { damaged: [], missing: [] }, true), /could not be loaded: part of Passage stopped working/);
  });
});
