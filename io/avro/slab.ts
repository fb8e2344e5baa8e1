/** The decoder's slab is the models' one: see models/typed-array-slab.ts. */
export { TypedArraySlab } from '../../models/typed-array-slab';
