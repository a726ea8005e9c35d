import 'reflect-metadata';
import {
  Actor,
  ActorError,
  bootstrap,
  ActonApp,
  Message,
  Module,
  OnMessage,
  PayloadValidator,
  TellReceipt,
} from 'acton-ts';
import { recordingLogger } from '../../support/ipc-test-app';

@Message('ReceiptNote')
class ReceiptNote {
  text!: string;
}

@Message('ReceiptNotes')
class ReceiptNotes {}

@Actor('receipt_notes')
class ReceiptNotesActor {
  private readonly notes: string[] = [];

  @OnMessage()
  note(msg: ReceiptNote): void {
    this.notes.push(msg.text);
  }

  @OnMessage({ readonly: true })
  list(_msg: ReceiptNotes): string[] {
    return this.notes;
  }
}

/** A validator whose in-process check is asynchronous (as a remote schema registry's would be): 'bad' fails. */
const asyncValidator: PayloadValidator = {
  decode: <T>(definition: { type: new () => T }, payload: unknown): T =>
    Object.assign(new definition.type() as object, payload) as T,
  check: async (_definition, message) => {
    await new Promise((resolve) => setImmediate(resolve));
    if ((message as ReceiptNote).text === 'bad')
      throw new ActorError('SERIALIZATION_ERROR', 'Serialization error: text must not be bad');
  },
};

const note = (text: string): ReceiptNote => Object.assign(new ReceiptNote(), { text });

/** `app.tell` returns a TellReceipt: awaitable for the delivery outcome, safe to ignore. */
describe('app.tell: its TellReceipt', () => {
  let app: ActonApp;
  const logs: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    @Module({ actors: [ReceiptNotesActor] })
    class ReceiptModule {}
    app = await bootstrap(ReceiptModule, { logger: recordingLogger(logs), validator: asyncValidator });
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app.close();
  });

  const notes = (): Promise<string[]> => app.ask<string[]>('receipt_notes', new ReceiptNotes());

  it('resolves once the message is in the mailbox; the actor then has it', async () => {
    const receipt = app.tell('receipt_notes', note('first'));
    expect(receipt).toBeInstanceOf(TellReceipt);
    await expect(receipt).resolves.toBeUndefined();
    expect(await notes()).toContain('first');
    await Promise.all([app.tell('receipt_notes', note('second')), app.tell('receipt_notes', note('third'))]);
    expect(await notes()).toEqual(['first', 'second', 'third']);
  });

  it('rejects with the typed error when the in-process check fails, and delivers nothing', async () => {
    const before = await notes();
    await expect(app.tell('receipt_notes', note('bad'))).rejects.toMatchObject({
      code: 'SERIALIZATION_ERROR',
      message: 'Serialization error: text must not be bad',
    });
    const seen: string[] = [];
    await app
      .tell('receipt_notes', note('bad'))
      .catch((err: ActorError) => seen.push(err.code))
      .finally(() => seen.push('finally'));
    expect(seen).toEqual(['SERIALIZATION_ERROR', 'finally']);
    expect(await notes()).toEqual(before);
  });

  it('logs a failure nobody awaited, with its code, and raises no unhandled rejection', async () => {
    logs.length = 0;
    app.tell('receipt_notes', note('bad'));
    for (let turn = 0; turn < 50 && logs.length === 0; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(logs).toEqual([
      "error tell(ReceiptNote) to 'receipt_notes' failed: SERIALIZATION_ERROR: Serialization error: text must not be bad",
    ]);
    expect(unhandled).toEqual([]);
  });

  it('does not log a failure that was awaited', async () => {
    logs.length = 0;
    await expect(app.tell('receipt_notes', note('bad'))).rejects.toBeInstanceOf(ActorError);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs).toEqual([]);
  });

  it('still throws at once when the target is unknown', () => {
    expect(() => app.tell('nobody_here', note('x'))).toThrow(expect.objectContaining({ code: 'ACTOR_NOT_FOUND' }));
  });
});
