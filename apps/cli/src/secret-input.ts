// Owns reading a secret from the user without echoing it: all of stdin (`--password-stdin`,
// for scripts), or a prompt on the terminal that shows nothing as it is typed.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from './errors.ts';

/** Everything on stdin, without its final newline. */
export async function readStdinSecret(what: string): Promise<string> {
  if (process.stdin.isTTY)
    throw new CliError(`${what}: stdin is a terminal; pipe the value in (echo "$VALUE" | weir …)`, 2);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks on the terminal, echoing nothing; undefined when stdin is no terminal (nothing to ask). */
export async function promptSecret(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, (answer) => resolve(answer));
      muted = true;
    });
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
