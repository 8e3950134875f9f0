// Seeded randomness for generated test corpora and queries, so a failure can be replayed: the
// same mulberry32 generator the test models and benchmark data use.
export { mulberry32 as random } from '../../scripts/test-model/prng.ts';
