// A text-message provider owned by the tests: a local HTTP listener that takes the app's
// `POST /messages` (JSON {id, to, body}, `Authorization: Bearer <SMS_TOKEN>`) the way a provider's API
// would, and writes each accepted message to end2end/.sms/ as JSON { id, to, body, date } for the
// specs to read. A repeated id (the outbox may deliver twice) is acknowledged and not stored again.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface StoredText {
  id: string;
  to: string;
  body: string;
  /** When the listener received it (ISO 8601). */
  date: string;
}

export interface SmsSink {
  close(): Promise<void>;
}

export async function startSmsSink(options: { host: string; port: number; dir: string; token: string }): Promise<SmsSink> {
  fs.mkdirSync(options.dir, { recursive: true });
  const seen = new Set<string>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/messages') {
        response.writeHead(404).end();
        return;
      }
      if (request.headers.authorization !== `Bearer ${options.token}`) {
        response.writeHead(401).end();
        return;
      }
      let message: { id?: unknown; to?: unknown; body?: unknown };
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        response.writeHead(400).end();
        return;
      }
      const { id, to, body } = message;
      if (typeof id !== 'string' || typeof to !== 'string' || typeof body !== 'string') {
        response.writeHead(400).end();
        return;
      }
      if (!seen.has(id)) {
        seen.add(id);
        const receivedAt = new Date();
        const stored: StoredText = { id, to, body, date: receivedAt.toISOString() };
        const name = `${receivedAt.getTime()}-${id.replace(/[^a-z0-9]/gi, '')}.json`;
        const file = path.join(options.dir, name);
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(stored));
        fs.renameSync(`${file}.tmp`, file);
      }
      response.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
