import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@tradecore/source'] },
  ssr: { resolve: { conditions: ['@tradecore/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
