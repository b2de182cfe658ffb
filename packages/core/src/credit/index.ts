/**
 * Credit management: policy, pure decisions with explanations, and typed outcomes.
 *
 * @module
 */
export * from './decision';
export * from './errors';
export * from './policy';
