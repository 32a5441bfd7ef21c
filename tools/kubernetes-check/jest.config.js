module.exports = { ...require('../../jest.preset.js'), displayName: 'kubernetes-check', rootDir: __dirname };
