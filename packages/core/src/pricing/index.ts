/**
 * The pricing engine: price lists, agreements and rules compiled into an indexed price book;
 * resolution with an explicit waterfall, composition policies, rounding stages, one currency
 * conversion point, floors, bounds, cost and margin; `explain()`, `lint()` and the stored
 * price trace. Pure: dates, rates and costs come in as arguments.
 *
 * @module
 */
export * from './book';
export * from './bundle';
export * from './checks';
export * from './compile';
export * from './compiled';
export * from './context';
export * from './derive';
export * from './errors';
export * from './explain';
export * from './line-eval';
export * from './lint';
export * from './model';
export * from './outcome';
export * from './policy';
export * from './qualify';
export * from './resolve';
export * from './rule-index';
export * from './scope';
export * from './trace';
export * from './units';
