/**
 * Registers the Hoeffding tree and the adaptive random forest with the shared model contract
 * (test/support/model-contract.ts). Small grace periods and a large tau make the trees split within
 * the contract's 240 rows, so the checks see branches and inactive leaves, not just a root. (No
 * detector fires on the contract's data; test/adaptive-random-forest.spec.ts checks row-by-row
 * exactness across drifts.)
 *
 * Row by row is exact for both: the tree learns rows one at a time in order and does nothing per
 * batch (no per-batch statistics, no per-batch copies that change values); the forest's members
 * are independent, each with its own generator state carried in the state, so a batch is learned
 * member by member with exactly the draws row-by-row learning makes.
 */
import { adaptiveRandomForest, type AdaptiveRandomForestOptions } from '../models/adaptive-random-forest';
import { hoeffdingTree, type HoeffdingTreeOptions } from '../models/hoeffding-tree';
import { classifierContract, type BadOptionsCase } from './support/model-contract';

const N_FEATURES = 4;

const treeBadOptions: BadOptionsCase[] = [
  { options: { nFeatures: 0 }, names: 'nFeatures' },
  { options: { nFeatures: N_FEATURES, nClasses: 1 }, names: 'nClasses' },
  { options: { nFeatures: N_FEATURES, gracePeriod: 0 }, names: 'gracePeriod' },
  { options: { nFeatures: N_FEATURES, delta: 1 }, names: 'delta' },
  { options: { nFeatures: N_FEATURES, tau: -0.1 }, names: 'tau' },
  { options: { nFeatures: N_FEATURES, splitCriterion: 'hellinger' }, names: 'splitCriterion' },
  { options: { nFeatures: N_FEATURES, leafPrediction: 'naive' }, names: 'leafPrediction' },
  { options: { nFeatures: N_FEATURES, maxDepth: 2.5 }, names: 'maxDepth' },
  { options: { nFeatures: N_FEATURES, nSplits: 0 }, names: 'nSplits' },
  { options: { nFeatures: N_FEATURES, minBranchFraction: 0.5 }, names: 'minBranchFraction' },
  { options: { nFeatures: N_FEATURES, maxShareToSplit: 0 }, names: 'maxShareToSplit' },
  { options: { nFeatures: N_FEATURES, maxBytes: 0 }, names: 'maxBytes' },
  { options: { nFeatures: N_FEATURES, grace_period: 100 }, names: 'grace_period' },
];

const treeCases: [string, Omit<HoeffdingTreeOptions, 'nFeatures'>][] = [
  ['binary, info_gain, nba', { gracePeriod: 20, delta: 0.05, tau: 0.3 }],
  ['3 classes, gini, mc, max depth 2', { nClasses: 3, gracePeriod: 15, delta: 0.05, tau: 0.3, splitCriterion: 'gini', leafPrediction: 'mc', maxDepth: 2 }],
  ['3 classes, nb, 2 KB budget', { nClasses: 3, gracePeriod: 10, delta: 0.05, tau: 0.3, leafPrediction: 'nb', maxBytes: 2048 }],
];

for (const [label, options] of treeCases) {
  classifierContract({
    name: `hoeffdingTree (${label})`,
    make: () => hoeffdingTree({ nFeatures: N_FEATURES, ...options }),
    rowByRow: 'exact',
    construct: (o) => hoeffdingTree(o as HoeffdingTreeOptions),
    badOptions: treeBadOptions,
  });
}

const forestBadOptions: BadOptionsCase[] = [
  ...treeBadOptions,
  { options: { nFeatures: N_FEATURES, nModels: 0 }, names: 'nModels' },
  { options: { nFeatures: N_FEATURES, maxFeatures: 'half' }, names: 'maxFeatures' },
  { options: { nFeatures: N_FEATURES, maxFeatures: 0 }, names: 'maxFeatures' },
  { options: { nFeatures: N_FEATURES, lambda: 0 }, names: 'lambda' },
  { options: { nFeatures: N_FEATURES, warningDelta: 2 }, names: 'warningDelta' },
  { options: { nFeatures: N_FEATURES, driftDelta: 0 }, names: 'driftDelta' },
  { options: { nFeatures: N_FEATURES, weightedVote: 'yes' }, names: 'weightedVote' },
  { options: { nFeatures: N_FEATURES, seed: 1.5 }, names: 'seed' },
];

const forestCases: [string, Omit<AdaptiveRandomForestOptions, 'nFeatures' | 'seed'>][] = [
  ['binary, 4 trees', { nModels: 4, gracePeriod: 10 }],
  ['3 classes, 3 trees, mc leaves, no warning detector, 4 KB per tree', {
    nClasses: 3, nModels: 3, gracePeriod: 10, leafPrediction: 'mc', warningDelta: null, maxBytes: 4096,
  }],
];

for (const [label, options] of forestCases) {
  classifierContract({
    name: `adaptiveRandomForest (${label})`,
    make: (seed) => adaptiveRandomForest({ nFeatures: N_FEATURES, seed, ...options }),
    seeded: true,
    rowByRow: 'exact',
    construct: (o) => adaptiveRandomForest(o as AdaptiveRandomForestOptions),
    badOptions: forestBadOptions,
  });
}
