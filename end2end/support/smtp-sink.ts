// A real SMTP listener owned by the tests (not by the app). The app under test is started with
// CASEPORT_SMTP_URL=smtp://127.0.0.1:2526 and delivers its verification mail here over SMTP.
// Each message is parsed with mailparser and written to end2end/.mail/ as JSON
// { to, subject, text, date } so that the specs (which run in a separate worker process) can read it.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';

export interface StoredMail {
  /** Lower-cased recipient addresses (envelope RCPT TO plus the To/Cc headers). */
  to: string[];
  subject: string;
  text: string;
  /** When the sink received the message (ISO 8601); `waitForCode` compares against this. */
  date: string;
}

export interface SmtpSink {
  close(): Promise<void>;
}

function headerAddresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => o.value.map((a) => a.address ?? '')).filter((a) => a !== '');
}

export async function startSmtpSink(options: { host: string; port: number; dir: string }): Promise<SmtpSink> {
  fs.mkdirSync(options.dir, { recursive: true });

  const server = new SMTPServer({
    secure: false,
    // Plain SMTP on loopback: no TLS upgrade offered, authentication accepted but not required.
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    banner: 'Caseport end2end SMTP sink',
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'end2end' });
    },
    onData(stream, session, callback) {
      const receivedAt = new Date();
      simpleParser(stream)
        .then((parsed) => {
          const envelope = (session.envelope.rcptTo as SMTPServerAddress[]).map((r) => r.address);
          const to = [...new Set([...envelope, ...headerAddresses(parsed.to), ...headerAddresses(parsed.cc)])].map(
            (a) => a.toLowerCase(),
          );
          const mail: StoredMail = {
            to,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            date: receivedAt.toISOString(),
          };
          const name = `${receivedAt.getTime()}-${randomBytes(4).toString('hex')}.json`;
          // Write then rename so that a polling reader never sees a half-written file.
          const tmp = path.join(options.dir, `.${name}.tmp`);
          fs.writeFileSync(tmp, JSON.stringify(mail, null, 2));
          fs.renameSync(tmp, path.join(options.dir, name));
          callback();
        })
        .catch((err: unknown) => {
          callback(err instanceof Error ? err : new Error(String(err)));
        });
    },
  });

  server.on('error', (err) => {
    console.error(`[smtp-sink] ${err.message}`);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`SMTP sink could not listen on ${options.host}:${options.port}: ${err.message}`));
    server.server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });

  return {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
