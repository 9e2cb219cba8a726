// Which failures become the "service temporarily unavailable" page (503, retry) rather than a 500.
import { isDatabaseUnavailable } from '../../server/errors';
import { DatabaseStalledError } from '../../server/db/health';
import { SessionNotSavedError } from '../../server/sessionStore';

function socketError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

it('an engine dying under a request is a 503, whichever layer reports it', () => {
  // The driver's own errors, by name and by message.
  expect(isDatabaseUnavailable(Object.assign(new Error('x'), { name: 'MongoNetworkError' }))).toBe(true);
  expect(isDatabaseUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:27017'))).toBe(true);
  // The socket's, when the engine is killed between two writes.
  expect(isDatabaseUnavailable(socketError('This socket has been ended by the other party', 'EPIPE'))).toBe(true);
  expect(isDatabaseUnavailable(socketError('read ECONNRESET', 'ECONNRESET'))).toBe(true);
  // A database that stopped answering: cut off by the driver's heartbeat, or given up by our own watch on it.
  expect(isDatabaseUnavailable(Object.assign(new Error('x'), { name: 'PoolClearedOnNetworkError' }))).toBe(true);
  expect(isDatabaseUnavailable(Object.assign(new Error('x'), { name: 'MongoWaitQueueTimeoutError' }))).toBe(true);
  expect(isDatabaseUnavailable(new DatabaseStalledError())).toBe(true);
  expect(isDatabaseUnavailable(new SessionNotSavedError(new DatabaseStalledError()))).toBe(true);
  // Wrapped, as the session store reports a session it could not store.
  expect(isDatabaseUnavailable(new SessionNotSavedError(socketError('read ECONNRESET', 'ECONNRESET')))).toBe(true);
});

it('a bug stays a 500', () => {
  expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'stage')"))).toBe(false);
  expect(isDatabaseUnavailable(new SessionNotSavedError(new RangeError('Invalid time value')))).toBe(false);
  expect(isDatabaseUnavailable(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(false);
  expect(isDatabaseUnavailable('a string')).toBe(false);
});
