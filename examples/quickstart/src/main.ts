import { createMemoryStore } from '@tradecore/adapters-memory';
import { runQuickstart } from './slice';

const store = await createMemoryStore();
await runQuickstart(store, (line) => console.log(line));
await store.close();
