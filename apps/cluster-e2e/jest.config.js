module.exports = { ...require('../../jest.preset.js'), displayName: 'cluster-e2e', rootDir: __dirname, testTimeout: 300_000 };
