import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaState } from './api.ts';
import { SchemaStatus } from './schema-status.ts';

describe('SchemaStatus', () => {
  it('waits while blocked, is current again once opened, and tells listeners each change once', () => {
    const heard: SchemaState[] = [];
    const status = new SchemaStatus(() => assert.fail('not outdated'));
    status.onChange((state) => heard.push(state));
    status.opened();
    status.blocked();
    status.blocked();
    status.opened();
    assert.deepEqual(heard, ['waiting', 'current']);
    assert.equal(status.state, 'current');
  });

  it('outdated is final: the hook runs once, before listeners, and nothing changes it back', () => {
    const order: string[] = [];
    const status = new SchemaStatus(() => order.push('stop indexing'));
    status.onChange((state) => order.push(state));
    status.blocked();
    status.outdated();
    status.outdated();
    status.opened();
    status.blocked();
    assert.deepEqual(order, ['waiting', 'stop indexing', 'outdated']);
    assert.equal(status.state, 'outdated');
  });
});
