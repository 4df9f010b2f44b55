// Owns making a fresh checkout runnable before any command loads: generates the Prisma client
// when it is missing or older than prisma/schema.prisma (it is generated code, not committed).
import { type GenerateResult, generateClient } from '@weir/db/tooling';
import { installRoot, paths } from './paths.ts';

/** What this process did about the client before loading the commands. */
export const preparedClient: GenerateResult = await generateClient({
  schemaPath: paths.schema,
  outputDir: paths.generatedClient,
  cwd: installRoot,
});
const isGenerateCommand = process.argv[2] === 'db' && process.argv[3] === 'generate';
if (preparedClient.generated && !isGenerateCommand) {
  process.stderr.write(`weir: generated the Prisma client in ${Math.round(preparedClient.ms)} ms\n`);
}
