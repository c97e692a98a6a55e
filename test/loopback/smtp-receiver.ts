// A stand-in SMTP server on 127.0.0.1 for the loopback tests: just enough of RFC 5321 for Alertmanager's
// email notifier (Go's net/smtp client) to deliver a message, recording the envelope, the AUTH PLAIN
// credentials and the message as received. Test-only: no TLS (the loopback config turns STARTTLS off), no
// relaying, every command answered in the order it arrives.
import * as net from "net";
import { AddressInfo } from "net";
import { LOOPBACK } from "./processes";

export interface ReceivedMail {
  /** The envelope: MAIL FROM and every RCPT TO, as sent. */
  from: string;
  recipients: string[];
  /** The user and password of the AUTH PLAIN exchange, if there was one. */
  auth?: { user: string; password: string };
  /** The message's headers (last value of each, names lowercased) and body, dot-unstuffed. */
  headers: Record<string, string>;
  body: string;
}

export interface SmtpReceiver {
  /** host:port to use as the smarthost. */
  address: string;
  mails: ReceivedMail[];
  /** Every command line received, for a failure's message. */
  log: string[];
  close(): Promise<void>;
}

const addressIn = (arg: string) => /<([^>]*)>/.exec(arg)?.[1] ?? arg.trim();

function parseMessage(data: string): Pick<ReceivedMail, "headers" | "body"> {
  const end = data.indexOf("\r\n\r\n");
  const head = end === -1 ? data : data.slice(0, end);
  const headers: Record<string, string> = {};
  // Folded header lines continue the previous one.
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: end === -1 ? "" : data.slice(end + 4) };
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffer = "";
    let inData = false;
    let data = "";
    let envelope: { from: string; recipients: string[] } = { from: "", recipients: [] };
    let auth: ReceivedMail["auth"];
    const reply = (text: string) => socket.write(`${text}\r\n`);
    reply("220 smtp-stand-in ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let newline: number;
      while ((newline = buffer.indexOf("\r\n")) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            mails.push({ ...envelope, auth, ...parseMessage(data) });
            envelope = { from: "", recipients: [] };
            data = "";
            reply("250 2.0.0 queued");
          } else {
            data += `${line.startsWith(".") ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        log.push(line.startsWith("AUTH") ? "AUTH PLAIN <credentials>" : line);
        const [verb, ...rest] = line.split(" ");
        const arg = rest.join(" ");
        switch (verb.toUpperCase()) {
          case "EHLO":
            reply("250-smtp-stand-in");
            reply("250-AUTH PLAIN");
            reply("250 8BITMIME");
            break;
          case "HELO": reply("250 smtp-stand-in"); break;
          case "AUTH": {
            // AUTH PLAIN <base64 of identity \0 user \0 password> (Go's PlainAuth sends the initial response).
            const [mechanism, initial] = arg.split(" ");
            if (mechanism !== "PLAIN" || !initial) { reply("504 5.5.4 only AUTH PLAIN with an initial response"); break; }
            const [, user = "", password = ""] = Buffer.from(initial, "base64").toString("utf8").split("\0");
            auth = { user, password };
            reply("235 2.7.0 authenticated");
            break;
          }
          case "MAIL": envelope = { from: addressIn(arg), recipients: [] }; reply("250 2.1.0 ok"); break;
          case "RCPT": envelope.recipients.push(addressIn(arg)); reply("250 2.1.5 ok"); break;
          case "DATA": inData = true; reply("354 end with <CRLF>.<CRLF>"); break;
          case "RSET": envelope = { from: "", recipients: [] }; reply("250 2.0.0 ok"); break;
          case "NOOP": reply("250 2.0.0 ok"); break;
          case "QUIT": reply("221 2.0.0 bye"); socket.end(); break;
          default: reply("502 5.5.2 not implemented");
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return {
    address: `${LOOPBACK}:${(server.address() as AddressInfo).port}`,
    mails,
    log,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
