module.exports = { ...require('../../jest.preset.js'), displayName: 'leader-election', rootDir: __dirname };
