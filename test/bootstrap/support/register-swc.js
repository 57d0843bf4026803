// Lets a child `node` process run TypeScript, compiled the way jest compiles it (.swcrc).
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const { $schema, ...swcrc } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../.swcrc'), 'utf8'));

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    ...swcrc,
    filename,
    swcrc: false,
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
