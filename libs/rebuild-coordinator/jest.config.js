module.exports = { ...require('../../jest.preset.js'), displayName: 'rebuild-coordinator', rootDir: __dirname };
