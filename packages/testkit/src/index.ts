/**
 * `@tradecore/testkit` — the one conformance suite every storage adapter runs.
 *
 * @example
 * ```ts
 * import { runConformanceSuite } from '@tradecore/testkit';
 * runConformanceSuite({ name: 'memory', open: () => createMemoryStore() });
 * ```
 */
import type { StoreHarness } from './harness';
import { creditSuite } from './suites/credit';
import { o2cSuite } from './suites/o2c';
import { portSuite } from './suites/port';
import { pricingSuite } from './suites/pricing';
import { settlementSuite } from './suites/settlement';
import { sliceSuite } from './suites/slice';
import { viewsSuite } from './suites/views';

export { fingerprint } from './fingerprint';
export { cents, seedSlice, tradecoreFor } from './fixtures';
export {
  all,
  d,
  exposureOf,
  freshTenant,
  openAccount,
  peek,
  prng,
  releaseCredit,
  reserveCredit,
  type StoreHarness,
} from './harness';
export { type AllocationRun, allocationViolations } from './invariants';
export { runSliceModel } from './suites/model';
export { creditSuite, portSuite, settlementSuite, sliceSuite, viewsSuite };

/** Registers the whole conformance suite (every suite of this package) for one adapter. */
export function runConformanceSuite(h: StoreHarness): void {
  portSuite(h);
  sliceSuite(h);
  creditSuite(h);
  o2cSuite(h);
  settlementSuite(h);
  pricingSuite(h);
  viewsSuite(h);
}
