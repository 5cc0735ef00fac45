import net from "node:net";

// A TCP proxy a test owns, between the app and PostgreSQL: cut() drops every
// connection and refuses new ones (the database "goes away" without anyone
// touching the machine's PostgreSQL); stall() accepts connections and never
// answers (a black hole: only timeouts end a request); restore() lets
// connections through again.

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private mode: "open" | "refuse" | "stall" = "open";

  constructor(
    readonly port: number,
    private readonly upstream: { host: string; port: number },
  ) {}

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      if (this.mode === "refuse") {
        client.destroy();
        return;
      }
      if (this.mode === "stall") {
        // Accept, then say nothing: what a database behind a dead network path looks like.
        this.sockets.add(client);
        client.on("close", () => this.sockets.delete(client));
        client.on("error", () => client.destroy());
        return;
      }
      const server = net.connect(this.upstream.port, this.upstream.host);
      for (const s of [client, server]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          server.destroy();
        });
      }
      client.pipe(server);
      server.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.port, "127.0.0.1", () => resolve());
    });
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.mode = "refuse";
    this.dropAll();
  }

  /** Drops every connection, then accepts new ones and never answers (a black hole). */
  stall(): void {
    this.mode = "stall";
    this.dropAll();
  }

  restore(): void {
    this.dropAll(); // stalled connections included
    this.mode = "open";
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}
