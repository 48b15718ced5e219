import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

// Slack's Socket Mode endpoint, faked: the URL apps.connections.open hands out. A minimal
// WebSocket server (RFC 6455: handshake, text frames, ping/pong, close), enough for the real
// @slack/socket-mode client to connect, receive envelopes and send its acks.

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export class FakeSocketMode {
  /** JSON messages the bot sent (acks: `{ envelope_id, payload? }`). */
  readonly received: Record<string, unknown>[] = [];
  private server!: http.Server;
  private readonly sockets = new Set<Duplex>();
  url = "";

  async start(): Promise<this> {
    this.server = http.createServer((_req, res) => void res.writeHead(426).end());
    this.server.on("upgrade", (req, socket) => this.accept(req, socket));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
    return this;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Sends an envelope to every connected client. */
  send(message: Record<string, unknown>): void {
    for (const s of this.sockets) s.write(frame(0x1, Buffer.from(JSON.stringify(message))));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(req: http.IncomingMessage, socket: Duplex): void {
    const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}${GUID}`).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => this.sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (let f = readFrame(buf); f; f = readFrame(buf)) {
        buf = buf.subarray(f.length);
        if (f.opcode === 0x1) this.received.push(JSON.parse(f.payload.toString()) as Record<string, unknown>);
        else if (f.opcode === 0x9) socket.write(frame(0xa, f.payload));
        else if (f.opcode === 0x8) socket.end(frame(0x8, Buffer.alloc(0)));
      }
    });
    socket.write(
      frame(0x1, Buffer.from(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake" }, connection_info: { app_id: "A0APP" } }))),
    );
  }
}

/** A server frame: final, unmasked. */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
  return Buffer.concat([head, payload]);
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

/** A client frame (masked, unfragmented) at the start of `buf`, or null while incomplete. */
function readFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | null {
  if (buf.length < 2) return null;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return null;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) for (let i = 0; i < len; i++) payload[i]! ^= buf[maskAt + (i % 4)]!;
  return { opcode, payload, length: offset + len };
}
