import assert from 'node:assert/strict';
import { concatBatches, concatMessages, mergePositions } from '../transforms/shared/concat-messages';
import { expectedWindow, labeledMessage, offsetPosition } from './support/marbles';

describe('concat-messages', () => {
  describe('concatMessages', () => {
    it('concatenates rows in order into fresh buffers, counting messages with rows', () => {
      const a = labeledMessage(1, [[1, 2], [3, 4]], [0, 1], { offset: 5 });
      const empty = labeledMessage(2, [], [], { offset: 6 });
      const b = labeledMessage(3, [[5, 6]], [1], { offset: 7 });
      const { index: _, ...expected } = expectedWindow(0, [[1, 2], [3, 4], [5, 6]], [0, 1, 1], 2, [offsetPosition(5, 'clicks', 0, 7)]);
      const contents = concatMessages([a, empty, b]);
      assert.deepEqual(contents, expected);
      assert.notEqual(contents.batch.x.data.buffer, a.batch.x.data.buffer);
    });

    it('gives an empty batch for no messages', () => {
      assert.deepEqual(concatMessages([]), { batch: { x: { rows: 0, cols: 0, data: new Float64Array(0) }, y: new Int32Array(0) }, messages: 0, positions: [] });
    });

    it('names the message whose column count differs', () => {
      const a = labeledMessage(1, [[1, 2]], [0]);
      const wide = labeledMessage(9, [[1, 2, 3]], [0]);
      assert.throws(() => concatMessages([a, wide]), { name: 'RangeError', message: 'message 9 has 3 feature columns, expected 2 like the rows before it' });
    });
  });

  describe('concatBatches', () => {
    it('rejects a batch whose label count does not match its rows', () => {
      const { batch } = labeledMessage(1, [[1], [2]], [0, 1]);
      assert.throws(() => concatBatches([{ x: batch.x, y: Int32Array.of(0) }]), { name: 'RangeError', message: 'batch 0 has 1 labels for 2 rows' });
    });
  });

  describe('mergePositions', () => {
    it('keeps the first and last offset per topic-partition in arrival order, beyond 2^53', () => {
      const merged = mergePositions([
        { topic: 'clicks', partition: 1, firstOffset: '9007199254740993', lastOffset: '9007199254740993' },
        undefined,
        offsetPosition(3, 'views', 1),
        { topic: 'clicks', partition: 1, firstOffset: '9007199254740994', lastOffset: '9007199254740999' },
        offsetPosition(4, 'views', 1),
        offsetPosition(2, 'clicks', 0),
      ]);
      assert.deepEqual(merged, [
        { topic: 'clicks', partition: 1, firstOffset: '9007199254740993', lastOffset: '9007199254740999' },
        offsetPosition(3, 'views', 1, 4),
        offsetPosition(2, 'clicks', 0),
      ]);
    });
  });
});
