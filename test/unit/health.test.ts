// Whether the database is answering, judged from the driver's heartbeats: what the request guard, the session store
// and the public catalogue rely on to stop waiting for a database that has stopped answering.
import { EventEmitter } from 'node:events';
import type { MongoClient } from 'mongodb';
import { DatabaseHealth, DatabaseStalledError } from '../../server/db/health';

const ADDRESS = '127.0.0.1:27017';

function watched(graceMs = 50) {
  const client = new EventEmitter();
  const health = new DatabaseHealth();
  health.watch(client as unknown as MongoClient, graceMs);
  const beat = (what: 'Started' | 'Succeeded' | 'Failed') =>
    client.emit(`serverHeartbeat${what}`, { connectionId: ADDRESS });
  return { client, health, beat };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('when heartbeats are answered, then the database counts as answering, even while a slow operation runs', async () => {
  const { health, beat } = watched();
  expect(health.answering).toBe(true); // nothing known yet
  beat('Started');
  beat('Succeeded');
  let release!: (v: string) => void;
  const slow = health.orElse(
    () => new Promise<string>((r) => (release = r)),
    () => 'stale',
  );
  beat('Started');
  await sleep(20);
  beat('Succeeded');
  await sleep(80);
  expect(health.answering).toBe(true);
  release('fresh');
  await expect(slow).resolves.toBe('fresh');
});

it('when a heartbeat goes unanswered past the grace period, then waiting operations get their fallback or a DatabaseStalledError, and the database answers again with the next heartbeat', async () => {
  const { health, beat } = watched();
  beat('Started');
  beat('Succeeded');
  const hanging = () => new Promise<string>(() => {});
  const withFallback = health.orElse(hanging, () => 'from memory');
  const without = health.bound(hanging);
  beat('Started'); // never answered
  await expect(withFallback).resolves.toBe('from memory');
  await expect(without).rejects.toBeInstanceOf(DatabaseStalledError);
  expect(health.answering).toBe(false);
  // While silent: no waiting at all.
  await expect(health.bound(hanging)).rejects.toBeInstanceOf(DatabaseStalledError);
  beat('Succeeded');
  expect(health.answering).toBe(true);
});

it('when a heartbeat fails or an operation finds the database unreachable, then the fallback is used; other errors pass through', async () => {
  const { health, beat } = watched();
  const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoServerSelectionError' });
  await expect(
    health.orElse(
      () => Promise.reject(unreachable),
      () => 'from memory',
    ),
  ).resolves.toBe('from memory');
  await expect(
    health.orElse(
      () => Promise.reject(unreachable),
      () => undefined,
    ),
  ).rejects.toBe(unreachable);
  const bug = new TypeError('x is undefined');
  await expect(
    health.orElse(
      () => Promise.reject(bug),
      () => 'from memory',
    ),
  ).rejects.toBe(bug);
  beat('Failed');
  expect(health.answering).toBe(false);
});
