module.exports = { ...require('../../jest.preset.js'), displayName: 'reactors', rootDir: __dirname };
