// Pact merges interactions into an existing file; starting from an empty file keeps interactions
// that no test declares any more from lingering in the contract.
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  fs.rmSync(path.resolve(__dirname, '../../../../pacts/agent-wallet.json'), {
    force: true,
  });
};
