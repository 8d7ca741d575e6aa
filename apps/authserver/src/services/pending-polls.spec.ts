import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceFlow } from '../storage/model.js';
import { PendingPolls } from './pending-polls.js';

const flow = (id: string) => ({ id, interval: 5 }) as DeviceFlow;

describe('PendingPolls', () => {
  it('remembers a pending flow for its window only, and forgets on demand', () => {
    const polls = new PendingPolls(1000, 10);
    polls.remember('a', flow('a'), 0);
    assert.equal(polls.get('a', 999)?.flow.id, 'a');
    assert.equal(polls.get('a', 1000), undefined, 'past the window it is read again from AuthDB');
    polls.remember('b', flow('b'), 0);
    polls.forget('b');
    assert.equal(polls.get('b', 1), undefined);
  });

  it('holds at most its capacity, dropping the oldest', () => {
    const polls = new PendingPolls(1000, 2);
    for (const id of ['a', 'b', 'c']) polls.remember(id, flow(id), 0);
    assert.deepEqual(['a', 'b', 'c'].map((id) => polls.get(id, 1)?.flow.id), [undefined, 'b', 'c']);
  });
});
