import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The suite runs on the Node.js the project pins: the `node` devDependency puts that binary first
 * on npm scripts' PATH, so `npm test` never runs on whatever older Node a machine has installed.
 */
describe('the runtime the suite runs on', () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    engines: { node: string };
    devDependencies: Record<string, string>;
  };
  const major = Number(process.versions.node.split('.')[0]);

  it('is the major version of the pinned `node` devDependency', () => {
    const pinned = Number(/\d+/.exec(pkg.devDependencies.node)![0]);
    expect(major).toBe(pinned);
  });

  it('meets the engines field, and that field asks for Node 26 or newer (an LTS line)', () => {
    const minimum = Number(/>=\s*(\d+)/.exec(pkg.engines.node)![1]);
    expect(minimum).toBeGreaterThanOrEqual(26);
    expect(major).toBeGreaterThanOrEqual(minimum);
  });

  it('is the binary npm installed under node_modules, not the machine’s own', () => {
    expect(process.execPath).toContain(`${path.sep}node_modules${path.sep}`);
  });
});
