import 'reflect-metadata';
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { IsString } from 'class-validator';
import { Actor, ActonApp, AppExtension, Injectable, Message, Module, OnMessage } from 'acton-ts';
import { createTestingApp, tempSocketPath } from 'acton-ts/testing';

@Message('PingRequest')
class PingRequest {
  @IsString() from!: string;
}

@Injectable()
class Greeting {
  text(): string {
    return 'pong';
  }
}

@Actor('pinger')
class PingerActor {
  constructor(private readonly greeting: Greeting) {}

  @OnMessage({ ipc: true })
  ping(msg: PingRequest): { reply: string } {
    return { reply: `${this.greeting.text()} to ${msg.from}` };
  }
}

let socketOpened = 0;
class SocketExtension implements AppExtension {
  readonly kind = 'sock';
  async start(_app: ActonApp): Promise<void> {
    socketOpened++;
  }
  async drain(): Promise<void> {}
  async stop(): Promise<void> {}
}

@Module({})
class SocketModule {}

@Module({
  imports: [{ module: SocketModule, extensions: [() => new SocketExtension()] }],
  actors: [PingerActor],
  providers: [Greeting],
})
class AppModule {}

describe('createTestingApp', () => {
  it('builds the app without starting socket extensions, and answers asks', async () => {
    const app = await createTestingApp(AppModule);
    try {
      expect(socketOpened).toBe(0);
      expect(app.listener).toBeUndefined();
      expect(await app.ask('pinger', Object.assign(new PingRequest(), { from: 'test' }))).toEqual({
        reply: 'pong to test',
      });
    } finally {
      await app.close();
    }
  });

  it('replaces providers with overrides', async () => {
    const app = await createTestingApp(AppModule, {
      overrides: [{ provide: Greeting, useValue: { text: () => 'fake' } }],
    });
    try {
      expect(await app.ask('pinger', Object.assign(new PingRequest(), { from: 'me' }))).toEqual({
        reply: 'fake to me',
      });
    } finally {
      await app.close();
    }
  });

  it('starts extensions when asked to', async () => {
    const app = await createTestingApp(AppModule, { extensions: true });
    await app.close();
    expect(socketOpened).toBe(1);
  });
});

describe('tempSocketPath', () => {
  it('returns a fresh, bindable path in a new private directory', async () => {
    const a = tempSocketPath();
    const b = tempSocketPath('custom.sock');
    expect(a).not.toBe(b);
    expect(dirname(a)).not.toBe(dirname(b));
    expect(b.endsWith('/custom.sock')).toBe(true);
    expect(existsSync(a)).toBe(false);
    expect(statSync(dirname(a)).isDirectory()).toBe(true);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(a, resolve));
    expect(statSync(a).isSocket()).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
