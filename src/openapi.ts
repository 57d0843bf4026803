import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { createApiDocument } from './app.factory';

/**
 * `node dist/openapi.js [file]`: the OpenAPI document the service serves at /docs-json, written to
 * `file` or standard output, without starting the service or reaching a database (see
 * createApiDocument). `npm run client:generate` feeds it to the client package's generator.
 */
async function main(file: string | undefined): Promise<void> {
  const json = `${JSON.stringify(await createApiDocument(), null, 2)}\n`;
  if (file) await writeFile(file, json);
  else process.stdout.write(json);
}

main(process.argv[2]).catch((error) => {
  console.error(error);
  process.exit(1);
});
