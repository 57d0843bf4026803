import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createApiDocument } from '../../src/app.factory';

const CLIENT = path.join(__dirname, '..', '..', 'packages', 'client');

/** Runs the client's generator as `npm run client:generate` does, on `document`, and returns what it would write. */
async function generateTypes(document: object): Promise<string> {
  const run = promisify(execFile)(process.execPath, [path.join(CLIENT, 'scripts', 'generate.js'), '-', '--stdout'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  run.child.stdin!.end(JSON.stringify(document));
  return (await run).stdout;
}

/** Where two texts first part, as a line of each; undefined when they are the same. */
function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const [x, y] = [a.split('\n'), b.split('\n')];
  const line = x.findIndex((text, i) => text !== y[i]);
  const at = line === -1 ? x.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(x[at])}, generated ${JSON.stringify(y[at])}`;
}

describe('The generated client (packages/client)', () => {
  it('is generated from the API as it is now (else run `npm run client:generate` and commit the result)', async () => {
    const generated = await generateTypes(await createApiDocument());
    const committed = await readFile(path.join(CLIENT, 'src', 'schema.d.ts'), 'utf8');
    expect(firstDifference(committed, generated)).toBeUndefined();
  });
});
