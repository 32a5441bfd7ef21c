// jsdom lacks the Fetch API's classes that the browser has (Response, Headers, streams):
// the screens' tests lend them Node's own.
const { TestEnvironment } = require('jest-environment-jsdom');

module.exports = class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['fetch', 'Response', 'Request', 'Headers', 'ReadableStream', 'TextDecoder', 'TextEncoder']) {
      if (this.global[name] === undefined) this.global[name] = globalThis[name];
    }
  }
};
