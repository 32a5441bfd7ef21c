module.exports = { ...require('../../jest.preset.js'), displayName: 'rebuild-state', rootDir: __dirname };
