module.exports = { ...require('../../jest.preset.js'), displayName: 'projection-daemon', rootDir: __dirname };
