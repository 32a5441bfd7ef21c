module.exports = { ...require('../../jest.preset.js'), displayName: 'domain-events', rootDir: __dirname };
