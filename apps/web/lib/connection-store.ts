// Owns the web's connection store: sealed under the key derived from WEIR_SECRET_KEY (which the
// web server needs to start), so the Connections page and the REST API can store a password.
// They only ever seal: nothing in the web opens a connection's secrets.
import { ConnectionStore, connectionBox } from '@weir/engine';
import { services } from './services.ts';

export function connectionStore(): ConnectionStore {
  const { db, config } = services();
  return new ConnectionStore(db, connectionBox(config.secretKey));
}
