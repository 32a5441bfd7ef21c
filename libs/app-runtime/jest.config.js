module.exports = { ...require('../../jest.preset.js'), displayName: 'app-runtime', rootDir: __dirname };
