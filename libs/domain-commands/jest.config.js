module.exports = { ...require('../../jest.preset.js'), displayName: 'domain-commands', rootDir: __dirname };
