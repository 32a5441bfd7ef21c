module.exports = { ...require('../../jest.preset.js'), displayName: 'projector-worker', rootDir: __dirname };
