module.exports = { ...require('../../jest.preset.js'), displayName: 'compose-check', rootDir: __dirname };
