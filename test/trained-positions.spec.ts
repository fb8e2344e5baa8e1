import assert from 'node:assert/strict';
import { Random } from '../models/random';
import { nextOffsets, TrainedPositions } from '../io/kafka/training-records';
import type { SourcePosition } from '../transforms/types';

const at = (topic: string, partition: number, lastOffset: string): SourcePosition => ({ topic, partition, firstOffset: lastOffset, lastOffset });

describe('TrainedPositions (the offsets a checkpoint commits)', () => {
  it('keeps the highest offset per topic-partition, comparing offsets as numbers, not text', () => {
    const positions = new TrainedPositions();
    positions.add([at('clicks', 0, '9'), at('clicks', 0, '10'), at('clicks', 0, '8'), at('clicks', 1, '99'), at('views', 0, '100000000000000000')]);
    assert.equal(positions.size, 3);
    assert.deepEqual(positions.nextOffsets(), [
      { topic: 'clicks', partition: 0, nextOffset: '11' },
      { topic: 'clicks', partition: 1, nextOffset: '100' },
      { topic: 'views', partition: 0, nextOffset: '100000000000000001' },
    ]);
  });

  it('agrees with nextOffsets on random positions', () => {
    const random = new Random(3);
    const all: SourcePosition[] = [];
    const positions = new TrainedPositions();
    for (let i = 0; i < 500; i++) {
      const position = at(`t${random.int(0, 2)}`, random.int(0, 3), String(random.int(0, 1) === 0 ? random.int(0, 120) : random.int(0, 2 ** 31)));
      all.push(position);
      positions.add([position]);
    }
    const key = (o: { topic: string; partition: number }): string => `${o.topic}/${o.partition}`;
    const sorted = <T extends { topic: string; partition: number }>(list: T[]): T[] => list.sort((a, b) => key(a).localeCompare(key(b)));
    assert.deepEqual(sorted(positions.nextOffsets()), sorted([...nextOffsets(all).values()]));
    assert.equal(positions.size, nextOffsets(all).size);
  });

  it('says whether the offsets to commit pass an offset (a held dead letter can go out)', () => {
    const positions = new TrainedPositions();
    assert.equal(positions.passes('clicks', 0, '0'), false);
    positions.add([at('clicks', 0, '41')]);
    assert.equal(positions.passes('clicks', 0, '41'), true);
    assert.equal(positions.passes('clicks', 0, '40'), true);
    assert.equal(positions.passes('clicks', 0, '42'), false);
    assert.equal(positions.passes('clicks', 0, '100'), false);
    assert.equal(positions.passes('clicks', 1, '3'), false);
  });
});
