module.exports = { ...require('../../jest.preset.js'), displayName: 'messaging-contracts', rootDir: __dirname };
