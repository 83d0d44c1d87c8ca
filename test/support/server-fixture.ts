import { after, before } from "node:test";
import { Http2SessionManager } from "@connectrpc/connect-node";
import { type RunningServer, startServer } from "../../src/server/server.js";
import { defaultServerConfig, type ServerConfig } from "../../src/server/server-config.js";

/** A server on port 0 for one `describe`: started before its tests, closed after them with every HTTP/2 session it handed out. */
export interface ServerFixture {
  /** Set once the suite's `before` has run. */
  server: RunningServer;
  /** A new HTTP/2 session manager to the server, aborted when the suite ends. */
  h2(): Http2SessionManager;
}

/** Registers the suite's `before`/`after` hooks; call it inside a `describe`. */
export function serverFixture(overrides: Partial<ServerConfig> = {}): ServerFixture {
  const sessions: Http2SessionManager[] = [];
  const fixture: ServerFixture = {
    server: undefined as unknown as RunningServer,
    h2() {
      const manager = new Http2SessionManager(fixture.server.url);
      sessions.push(manager);
      return manager;
    },
  };
  before(async () => {
    fixture.server = await startServer({
      ...defaultServerConfig,
      port: 0,
      poolSize: 1,
      // Keep-alive connections of fetch would otherwise hold close() for 10 s.
      shutdownTimeoutMs: 500,
      ...overrides,
    });
  });
  after(async () => {
    for (const manager of sessions) {
      manager.abort();
    }
    await fixture.server.close();
  });
  return fixture;
}
