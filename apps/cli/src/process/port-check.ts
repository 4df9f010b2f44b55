// Owns the friendly failure when the web port is taken (for example by a second `npm start`).
import { CliError } from '../errors.ts';
import { isPortFree } from './ports.ts';

export async function assertPortFree(port: number, host: string): Promise<void> {
  if (!(await isPortFree(port, host))) {
    throw new CliError(
      `port ${port} in use: is another Weir (or other server) already running? Stop it, or set WEIR_WEB_PORT to another port`,
    );
  }
}
