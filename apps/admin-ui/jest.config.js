// Screens and their logic run in jsdom; the server's tests ask for Node with a docblock.
const path = require('node:path');
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'admin-ui',
  rootDir: __dirname,
  testEnvironment: path.join(__dirname, 'src/testing/jsdom-environment.js'),
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.spec.json') }] },
  moduleFileExtensions: ['tsx', 'ts', 'js', 'json'],
  moduleNameMapper: { ...preset.moduleNameMapper, '\\.css$': path.join(__dirname, 'src/testing/style-stub.js') },
  testMatch: ['**/*.spec.ts', '**/*.spec.tsx'],
};
