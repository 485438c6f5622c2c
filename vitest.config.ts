import { defineConfig } from 'vitest/config';

// Two projects: unit tests run in parallel; the fault lab (real namespaces, loop devices, containerd)
// runs one file at a time so that its timing measurements do not compete with each other.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/lab/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
