import { runConformanceSuite } from '@tradecore/testkit';
import { createMemoryStore } from '../src';

runConformanceSuite({ name: 'memory', open: () => createMemoryStore() });
