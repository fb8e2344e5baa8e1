import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { libmExp } from '../models/libm-exp';

/** glibc's exp on fixed arguments, from its generic (SSE2) and its default build (test/fixtures/libm_exp.py). */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/libm_exp.json', import.meta.url), 'utf8')) as {
  x: number[]; generic: number[]; default: number[];
};

const bits = new BigInt64Array(1);
const view = new Float64Array(bits.buffer);
function ulpsApart(a: number, b: number): bigint {
  view[0] = a;
  const ia = bits[0];
  view[0] = b;
  const d = ia - bits[0];
  return d < 0n ? -d : d;
}

describe('libmExp', () => {
  it('equals glibc\'s generic exp bit for bit', () => {
    assert.ok(fixture.x.length > 3000);
    fixture.x.forEach((x, i) => assert.ok(Object.is(libmExp(x), fixture.generic[i]), `exp(${x}): got ${libmExp(x)}, glibc ${fixture.generic[i]}`));
  });

  it('is within one unit in the last place of glibc\'s FMA build, and equal nearly always', () => {
    let different = 0;
    fixture.x.forEach((x, i) => {
      const apart = ulpsApart(libmExp(x), fixture.default[i]);
      assert.ok(apart <= 1n, `exp(${x}): ${apart} ulps from glibc's default build`);
      if (apart > 0n) different++;
    });
    assert.ok(different <= fixture.x.length / 200, `${different} of ${fixture.x.length} differ`);
  });

  it('handles the IEEE special cases as C does', () => {
    assert.equal(libmExp(0), 1);
    assert.equal(libmExp(-0), 1);
    assert.equal(libmExp(-Infinity), 0);
    assert.equal(libmExp(Infinity), Infinity);
    assert.ok(Number.isNaN(libmExp(NaN)));
    assert.equal(libmExp(710), Infinity);
    assert.equal(libmExp(1e300), Infinity);
    assert.ok(Object.is(libmExp(-746), 0));
    assert.ok(Object.is(libmExp(-1e300), 0));
    assert.equal(libmExp(2 ** -60), 1);
  });
});
