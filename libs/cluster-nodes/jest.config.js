module.exports = { ...require('../../jest.preset.js'), displayName: 'cluster-nodes', rootDir: __dirname };
