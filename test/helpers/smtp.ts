// A real SMTP server (smtp-server) that records what it receives; it can refuse, or be stopped and restarted on
// the same port, to play an SMTP outage.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  parsed: ParsedMail;
}

export interface SmtpPeer {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Answer DATA with this SMTP code (e.g. 451 temporary, 550 permanent) until set back to null. */
  refuseWith: number | null;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
  /** Mails sent to this address, newest last. */
  to(address: string): ReceivedMail[];
}

export async function startSmtpPeer(): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let port = 0;
  const peer: SmtpPeer = {
    port: 0,
    url: '',
    received,
    refuseWith: null,
    async stop() {
      if (!server) return;
      const s = server;
      server = undefined;
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async restart() {
      await listen();
    },
    async close() {
      await peer.stop();
    },
    to(address) {
      return received.filter((m) => m.to.includes(address.toLowerCase()));
    },
  };
  async function listen() {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 100,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (peer.refuseWith !== null) {
            const err = Object.assign(new Error('refused by test'), { responseCode: peer.refuseWith });
            return callback(err);
          }
          simpleParser(Buffer.concat(chunks))
            .then((parsed) => {
              received.push({
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                messageId: parsed.messageId ?? '',
                parsed,
              });
              callback(null);
            })
            .catch(callback);
        });
      },
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    port = (server!.server.address() as { port: number }).port;
    peer.port = port;
    peer.url = `smtp://127.0.0.1:${port}`;
  }
  await listen();
  return peer;
}
